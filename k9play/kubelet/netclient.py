"""``curl``, ``wget`` and ``nslookup`` inside simulated containers.

The tools only format what the simulated network (:mod:`k9play.network`, wired in by the
cluster through :class:`PodNetwork`) answers: a DNS answer, or an HTTP exchange that
succeeded, was refused, timed out or could not resolve its host. Each exchange takes the
virtual time the network says it took (a ``Sleep``), so a load-generator loop runs at the
rate the servers allow. Messages are the tools' own:

* curl 8.x: ``curl: (6) Could not resolve host: web``, ``curl: (7) Failed to connect to
  10.96.1.2 port 80 after 0 ms: Could not connect to server``, ``curl: (28) Failed to connect
  to … after 5002 ms: Timeout was reached`` (lib/strerror.c, lib/connect.c);
* busybox wget: ``Connecting to web (10.96.1.2:80)``, ``wget: bad address 'web'``,
  ``wget: can't connect to remote host (10.96.1.2): Connection refused`` (libbb/xconnect.c),
  ``wget: server returned error: HTTP/1.1 404 Not Found``, ``writing to stdout`` /
  ``written to stdout`` (networking/wget.c);
* busybox nslookup: ``Server:``/``Address:`` of the cluster DNS, ``Name:``/``Address:``
  lines, ``** server can't find NAME: NXDOMAIN``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from k9play.kubelet.shell import Sleep

if TYPE_CHECKING:
    from k9play.kubelet.shell import ShellContext

Obj = dict[str, Any]
Program = Generator[Sleep, None, int]

CLUSTER_DNS = "10.96.0.10"
#: curl's own connect timeout when none is given (DEFAULT_CONNECT_TIMEOUT)
CURL_CONNECT_TIMEOUT = 300.0

REASONS = {200: "OK", 201: "Created", 204: "No Content", 301: "Moved Permanently", 302: "Found",
           304: "Not Modified", 308: "Permanent Redirect", 400: "Bad Request", 401: "Unauthorized",
           403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 500: "Internal Server Error",
           502: "Bad Gateway", 503: "Service Temporarily Unavailable", 504: "Gateway Time-out"}


@dataclass(frozen=True)
class DnsAnswer:
    """What the cluster DNS answered for one name."""

    name: str
    fqdn: str = ""
    addresses: tuple[str, ...] = ()
    #: the CNAME target when the name is an alias (an ExternalName Service)
    cname: str = ""
    #: "" (an answer), ``NXDOMAIN`` or ``TIMEOUT`` (no server reachable)
    error: str = ""
    server: str = CLUSTER_DNS


@dataclass
class HttpRequest:
    url: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    #: seconds before giving up on the TCP connection (None: the kernel's SYN retries)
    connect_timeout: float | None = None
    max_time: float | None = None
    insecure: bool = False
    #: curl's ``--resolve host:port:addr``
    resolve: dict[tuple[str, int], str] = field(default_factory=dict)


@dataclass
class HttpResponse:
    #: "" for an HTTP answer, else ``resolve``, ``refused``, ``timeout``, ``empty`` (nothing
    #: speaks HTTP on the port), ``tls`` (certificate not trusted) or ``url``
    error: str = ""
    status: int = 0
    body: str = ""
    host: str = ""
    ip: str = ""
    port: int = 0
    elapsed: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    #: how the request travelled (DNS, kube-proxy, ingress, pod), for ``curl -v``
    trace: list[str] = field(default_factory=list)
    tls_subject: str = ""

    @property
    def reason(self) -> str:
        return REASONS.get(self.status, "")


class PodNetwork(Protocol):
    """What the cluster's network offers the containers of one pod."""

    def resolver(self, namespace: str, pod: str) -> Callable[[str], DnsAnswer]: ...

    def client(self, namespace: str, pod: str) -> Callable[[HttpRequest], HttpResponse]: ...

    def resolv_conf(self, namespace: str, pod: str) -> str: ...


def no_dns(name: str) -> DnsAnswer:
    return DnsAnswer(name, error="NXDOMAIN")


def no_network(req: HttpRequest) -> HttpResponse:
    return HttpResponse(error="resolve", host=urlsplit(_with_scheme(req.url)).hostname or "")


def _with_scheme(url: str) -> str:
    return url if "://" in url else f"http://{url}"


def _missing(ctx: ShellContext, tool: str) -> bool:
    if ctx.tools is not None and tool not in ctx.tools:
        ctx.err(f"sh: {tool}: not found\n")
        return True
    return False


# ----------------------------------------------------------------- nslookup
def nslookup(ctx: ShellContext, args: list[str]) -> Program:
    names = [a for a in args if not a.startswith("-")]
    if _missing(ctx, "nslookup"):
        return 127
    if not names:
        ctx.err("BusyBox v1.36.1 multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n")
        return 1
    ans = ctx.resolve(names[0])
    if ans.error == "TIMEOUT":
        ctx.out(";; connection timed out; no servers could be reached\n\n")
        return 1
    ctx.out(f"Server:\t\t{ans.server}\nAddress:\t{ans.server}:53\n\n")
    if ans.error:
        ctx.out(f"** server can't find {names[0]}: {ans.error}\n\n")
        return 1
    if ans.cname:
        ctx.out(f"{ans.fqdn}\tcanonical name = {ans.cname}\n")
    for addr in ans.addresses:
        ctx.out(f"Name:\t{ans.cname or ans.fqdn}\nAddress: {addr}\n")
    ctx.out("\n")
    return 0
    yield  # pragma: no cover


# --------------------------------------------------------------------- curl
_CURL_VALUE_FLAGS = {"-H", "--header", "-o", "--output", "-m", "--max-time", "--connect-timeout", "-X",
                     "--request", "--resolve", "-w", "--write-out", "-A", "--user-agent", "-d", "--data"}


def curl(ctx: ShellContext, args: list[str]) -> Program:
    """``curl [-s] [-S] [-v] [-i] [-I] [-f] [-k] [-L] [-H H] [-m S] [--connect-timeout S]
    [--resolve h:p:a] [-o FILE] [-w FMT] URL``."""
    if _missing(ctx, "curl"):
        return 127
    req, opts, url = _parse_curl(args)
    if url is None:
        ctx.err("curl: try 'curl --help' or 'curl --manual' for more information\n")
        return 2
    res = ctx.http(req)
    if res.elapsed > 0:
        yield Sleep(res.elapsed)
    verbose, silent, show_err = "v" in opts, "s" in opts, "S" in opts or "s" not in opts
    if verbose:
        for line in res.trace:
            ctx.err(f"* {line}\n")
        if not res.error:
            ctx.err("".join(f"> {line}\n" for line in _request_head(req, res)) + ">\n")
    ms = int(res.elapsed * 1000)
    fail = {
        "resolve": (6, f"Could not resolve host: {res.host}"),
        "refused": (7, f"Failed to connect to {res.host} port {res.port} after {ms} ms: Could not connect to server"),
        "timeout": (28, f"Failed to connect to {res.host} port {res.port} after {ms} ms: Timeout was reached"),
        "empty": (52, "Empty reply from server"),
        "tls": (60, "SSL certificate problem: self-signed certificate"),
        "url": (3, "URL rejected: Bad hostname"),
    }.get(res.error)
    if fail is not None:
        if opts.get("w"):
            ctx.out(_write_out(opts["w"], 0))
        if show_err or not silent:
            ctx.err(f"curl: ({fail[0]}) {fail[1]}\n")
        return fail[0]
    head = f"HTTP/1.1 {res.status} {res.reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in res.headers.items())
    if verbose:
        ctx.err("".join(f"< {line}\n" for line in head.split("\r\n") if line) + "<\n")
    if "f" in opts and res.status >= 400:
        ctx.err(f"curl: (22) The requested URL returned error: {res.status}\n")
        return 22
    body = "" if "I" in opts else res.body
    text = (head + "\r\n" if "i" in opts or "I" in opts else "") + body
    target = opts.get("o")
    if target and target != "-":
        ctx.fs.write(target, body)
    else:
        ctx.out(text)
    if opts.get("w"):
        ctx.out(_write_out(opts["w"], res.status))
    return 0


def _request_head(req: HttpRequest, res: HttpResponse) -> list[str]:
    """What ``curl -v`` shows it sent."""
    parts = urlsplit(_with_scheme(req.url))
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host = res.host if res.port in (80, 443) else f"{res.host}:{res.port}"
    headers = {"Host": host, "User-Agent": "curl/8.10.1", "Accept": "*/*", **req.headers}
    return [f"{req.method} {target} HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items())]


def _write_out(fmt: str, status: int) -> str:
    """``-w``: ``%{http_code}`` (``000`` when there was no answer) and ``\\n``."""
    return fmt.replace("%{http_code}", f"{status:03d}").replace("%{response_code}", f"{status:03d}") \
        .replace("\\n", "\n")


def _parse_curl(args: list[str]) -> tuple[HttpRequest, dict[str, str], str | None]:
    req = HttpRequest("")
    opts: dict[str, str] = {}
    url: str | None = None
    it = iter(args)
    for a in it:
        if a in _CURL_VALUE_FLAGS:
            value = next(it, "")
            if a in ("-H", "--header"):
                k, _, v = value.partition(":")
                req.headers[k.strip()] = v.strip()
            elif a in ("-m", "--max-time"):
                req.max_time = _seconds(value)
            elif a == "--connect-timeout":
                req.connect_timeout = _seconds(value)
            elif a in ("-X", "--request"):
                req.method = value
            elif a == "--resolve":
                host, port, addr = ([*value.split(":"), "", "", ""])[:3]
                if port.isdigit():
                    req.resolve[(host, int(port))] = addr
            elif a in ("-o", "--output"):
                opts["o"] = value
            elif a in ("-w", "--write-out"):
                opts["w"] = value
            elif a in ("-d", "--data") and req.method == "GET":
                req.method = "POST"
        elif a in ("-k", "--insecure"):
            req.insecure = True
        elif a == "--fail":
            opts["f"] = ""
        elif a in ("--silent", "--show-error", "--verbose", "--include", "--head", "--location"):
            opts[{"--silent": "s", "--show-error": "S", "--verbose": "v", "--include": "i", "--head": "I",
                  "--location": "L"}[a]] = ""
        elif a.startswith("-") and not a.startswith("--") and len(a) > 1:
            for ch in a[1:]:
                if ch == "k":
                    req.insecure = True
                opts[ch] = ""
        elif not a.startswith("-"):
            url = a
    if url is not None:
        req.url = url
    if "I" in opts:
        req.method = "HEAD"
    return req, opts, url


def _seconds(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


# --------------------------------------------------------------------- wget
def wget(ctx: ShellContext, args: list[str]) -> Program:
    """busybox ``wget [-q] [-O FILE] [-T SEC] [--header H] [--spider] URL``."""
    if _missing(ctx, "wget"):
        return 127
    quiet, out_file, url, spider = False, None, None, False
    req = HttpRequest("")
    it = iter(args)
    for a in it:
        if a in ("-O", "--output-document"):
            out_file = next(it, "")
        elif a.startswith("-O") and len(a) > 2:
            out_file = a[2:]
        elif a in ("-T", "--timeout"):
            req.connect_timeout = _seconds(next(it, ""))
        elif a == "--header":
            k, _, v = next(it, "").partition(":")
            req.headers[k.strip()] = v.strip()
        elif a == "--spider":
            spider = True
        elif re.fullmatch(r"-[qO-]+", a):
            quiet = quiet or "q" in a
            if a.endswith("O-") or a == "-qO-":
                out_file = "-"
        elif a in ("-q", "--quiet"):
            quiet = True
        elif not a.startswith("-"):
            url = a
    if url is None:
        ctx.err("BusyBox v1.36.1 multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] "
                "[--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] "
                "URL...\n")
        return 1
    req.url = url
    res = ctx.http(req)
    if res.elapsed > 0:
        yield Sleep(res.elapsed)
    if res.error == "resolve":
        ctx.err(f"wget: bad address '{res.host}'\n")
        return 1
    if not quiet:
        ctx.err(f"Connecting to {res.host} ({res.ip}:{res.port})\n")
    if res.error in ("refused", "timeout"):
        why = "Connection refused" if res.error == "refused" else "Connection timed out"
        ctx.err(f"wget: can't connect to remote host ({res.ip}): {why}\n")
        return 1
    if res.error:
        ctx.err("wget: error getting response: Connection reset by peer\n" if res.error == "empty"
                else "wget: TLS error from peer (alert code 42): bad certificate\n")
        return 1
    if res.status >= 400:
        ctx.err(f"wget: server returned error: HTTP/1.1 {res.status} {res.reason}\n")
        return 1
    if spider:
        if not quiet:
            ctx.err("remote file exists\n")
        return 0
    name = out_file if out_file is not None else (urlsplit(_with_scheme(url)).path.rsplit("/", 1)[-1] or "index.html")
    if not quiet:
        ctx.err("writing to stdout\n" if name == "-" else f"saving to '{name}'\n")
        label = "-" if name == "-" else name.rsplit("/", 1)[-1]
        ctx.err(f"{label[:20]:<20}100% |{'*' * 31}| {len(res.body):>5}  0:00:00 ETA\n")
    if name == "-":
        ctx.out(res.body)
    else:
        if out_file is None and ctx.fs.exists(name):
            ctx.err(f"wget: can't open '{name}': File exists\n")
            return 1
        ctx.fs.write(name, res.body)
    if not quiet:
        ctx.err("written to stdout\n" if name == "-" else f"'{name}' saved\n")
    return 0
