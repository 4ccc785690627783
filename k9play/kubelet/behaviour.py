"""What a simulated container does — data, not special cases.

A container's behaviour comes from three layers, later ones winning:

1. the **image profile**: known images (nginx, httpd, busybox, redis, agnhost …) with their
   size, default command, listening ports, start time, how PID 1 reacts to SIGTERM, what
   their HTTP endpoints answer and the log lines they write; unknown images get defaults;
2. the **command line**: ``command``/``args`` run through the shell interpreter
   (:mod:`k9play.kubelet.shell`) or a program model (``perl`` computing π, ``stress``
   allocating memory, ``agnhost liveness`` failing its health check after 10 s …);
3. **annotations** ``k9play.dev/<key>`` (or ``k9play.dev/<container>.<key>`` for one
   container): ``start-delay``, ``ready-after``, ``crash-after``, ``exit-code``,
   ``liveness-fail-after``, ``memory``, ``cpu``, ``log-rate``, ``ignore-sigterm``.

Nothing here ever touches the host.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator
from dataclasses import dataclass, field, replace
from typing import Any

from k9play.api.quantity import QuantityError, milli, whole
from k9play.kubelet.dd import program_dd
from k9play.kubelet.images import parse_image
from k9play.kubelet.shell import ShellContext, Sleep

Obj = dict[str, Any]
Program = Generator[Sleep, None, int]
FOREVER = float("inf")
ANNOTATION_PREFIX = "k9play.dev/"
MiB = 1024 * 1024


@dataclass(frozen=True)
class HttpReply:
    status: int
    body: str
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class HttpCall:
    """One HTTP request as a server model sees it."""

    path: str
    #: seconds since the process started
    uptime: float
    hostname: str
    #: virtual seconds since the epoch (for servers that print the time)
    now: float = 0.0
    client_ip: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    #: ``sh -c CMD`` inside the serving container (agnhost netexec's ``/shell``), simulated
    run: Callable[[str], str] = field(default=lambda cmd: "", compare=False)


#: an HTTP endpoint model
HttpHandler = Callable[[HttpCall], HttpReply]


def _static(pages: dict[str, str], not_found: str = "404 page not found\n") -> HttpHandler:
    def handle(call: HttpCall) -> HttpReply:
        if call.path.split("?", 1)[0] in pages:
            return HttpReply(200, pages[call.path.split("?", 1)[0]])
        return HttpReply(404, not_found)
    return handle


NGINX_WELCOME = (
    "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n<style>\nhtml { color-scheme: light dark; }\n"
    "body { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n"
    "</head>\n<body>\n"
    "<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\n"
    "working. Further configuration is required.</p>\n\n<p>For online documentation and support please refer to\n"
    '<a href="http://nginx.org/">nginx.org</a>.<br/>\nCommercial support is available at\n'
    '<a href="http://nginx.com/">nginx.com</a>.</p>\n\n<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n'
)


def nginx_error_page(status: int, reason: str) -> str:
    """nginx's built-in error page (also what ingress-nginx answers for 404, 503, 308 …)."""
    return (f"<html>\n<head><title>{status} {reason}</title></head>\n<body>\n<center><h1>{status} {reason}</h1>"
            "</center>\n<hr><center>nginx</center>\n</body>\n</html>\n")


def _nginx(call: HttpCall) -> HttpReply:
    if call.path.split("?", 1)[0] in ("/", "/index.html"):
        return HttpReply(200, NGINX_WELCOME, (("Content-Type", "text/html"),))
    return HttpReply(404, nginx_error_page(404, "Not Found"), (("Content-Type", "text/html"),))


def _ingress_nginx(call: HttpCall) -> HttpReply:
    """The controller's own endpoints (``/healthz`` on 10254); routing is the network's job."""
    if call.path in ("/healthz", "/is-dynamic-lb-initialized"):
        return HttpReply(200, "ok")
    return HttpReply(404, nginx_error_page(404, "Not Found"))


def _agnhost_liveness(call: HttpCall) -> HttpReply:
    """``agnhost liveness``: /healthz answers 200 for 10 s after start, then 500."""
    if call.path == "/healthz":
        if call.uptime > 10:
            return HttpReply(500, f"error: {call.uptime:.6f}")
        return HttpReply(200, "ok")
    return HttpReply(404, "404 page not found\n")


def _serve_hostname(call: HttpCall) -> HttpReply:
    return HttpReply(200, call.hostname)


def _go_time(t: float, uptime: float) -> str:
    """Go's ``time.Now().String()`` in UTC, with the monotonic reading."""
    import datetime as _dt

    d = _dt.datetime.fromtimestamp(t, _dt.UTC)
    nanos = round((t - int(t)) * 1e9)
    return f"{d:%Y-%m-%d %H:%M:%S}.{nanos:09d} +0000 UTC m=+{uptime:.9f}"


def _netexec(call: HttpCall) -> HttpReply:
    """``agnhost netexec`` (test/images/agnhost/netexec): ``/`` prints the time, ``/hostname``,
    ``/echo?msg=``, ``/clientip``, ``/header?key=``, ``/healthz``, ``/shell?cmd=`` (run in the
    simulated shell, answered as ``{"output":"…"}``), ``/exit`` is refused (it would stop the
    server); unknown paths answer 404."""
    import json
    from urllib.parse import parse_qs, urlsplit

    parts = urlsplit(call.path)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    path = parts.path
    if path == "/":
        return HttpReply(200, f"NOW: {_go_time(call.now, call.uptime)}")
    if path == "/hostname":
        return HttpReply(200, call.hostname)
    if path in ("/healthz", "/readyz"):
        return HttpReply(200, "")
    if path == "/echo":
        return HttpReply(200, query.get("msg", ""))
    if path == "/clientip":
        return HttpReply(200, f"{call.client_ip}:54321")
    if path == "/header":
        wanted = query.get("key", "").lower()
        return HttpReply(200, next((v for k, v in call.headers if k.lower() == wanted), ""))
    if path == "/shell":
        return HttpReply(200, json.dumps({"output": call.run(query.get("cmd", ""))}, separators=(",", ":")) + "\n")
    return HttpReply(404, "404 page not found\n")


@dataclass(frozen=True)
class Server:
    """A long-running process that listens and answers until SIGTERM."""

    ports: tuple[int, ...]
    http: HttpHandler | None = None
    grpc: bool = False
    start_seconds: float = 0.3
    stop_seconds: float = 0.2
    logs: tuple[str, ...] = ()
    memory: int = 8 * MiB
    #: environment variables one of which must be set, or the server exits at once
    requires_env: tuple[str, ...] = ()
    missing_env_log: str = ""
    #: CPU seconds one request costs (what traffic adds to the container's usage)
    request_cpu: float = 0.0005


@dataclass(frozen=True)
class ImageProfile:
    """What the registry says about an image, and what its default program does."""

    repo: str
    size: int
    entrypoint: tuple[str, ...] = ()
    cmd: tuple[str, ...] = ()
    flavour: str = "gnu"  # error-message style of its tools: busybox or gnu
    tags: str | None = None  # regex of tags that exist (None: any tag pulls)
    server: Server | None = None
    #: network tools the image ships (``None``: assume any of curl, wget, nslookup)
    tools: frozenset[str] | None = None
    #: files the image ships that people look at (path, content); volumes mounted over them hide them
    files: tuple[tuple[str, str], ...] = ()


_NGINX_LOGS = (
    "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
    "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
    "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
    "/docker-entrypoint.sh: Configuration complete; ready for start up",
)

#: the nginx image's site and server config (``/etc/nginx/conf.d/default.conf`` abridged)
NGINX_FILES = (
    ("/usr/share/nginx/html/index.html", NGINX_WELCOME),
    ("/usr/share/nginx/html/50x.html", "<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n</head>\n<body>\n"
                                       "<h1>An error occurred.</h1>\n</body>\n</html>\n"),
    ("/etc/nginx/conf.d/default.conf", "server {\n    listen       80;\n    listen  [::]:80;\n    server_name  "
                                       "localhost;\n\n    location / {\n        root   /usr/share/nginx/html;\n"
                                       "        index  index.html index.htm;\n    }\n}\n"),
)

#: busybox's applets include wget and nslookup, not curl
BUSYBOX_TOOLS = frozenset({"wget", "nslookup"})

PROFILES: dict[str, ImageProfile] = {p.repo: p for p in (
    ImageProfile("nginx", 72_000_000, ("/docker-entrypoint.sh",), ("nginx", "-g", "daemon off;"),
                 tags=r"(latest|stable|mainline|alpine|perl|bookworm|alpine-slim|"
                      r"1\.(?:[0-9]|1[0-9]|2[0-9])(?:\.(?:[0-9]|1[0-9]))?)(?:-[a-z0-9.-]+)?",
                 server=Server((80,), _nginx, logs=_NGINX_LOGS, memory=6 * MiB), files=NGINX_FILES),
    ImageProfile("httpd", 58_000_000, (), ("httpd-foreground",),
                 tags=r"(latest|alpine|2(?:\.[0-4](?:\.[0-9]{1,2})?)?)(?:-[a-z0-9.-]+)?",
                 server=Server((80,), _static({"/": "<html><body><h1>It works!</h1></body></html>\n"}),
                               logs=("AH00558: httpd: Could not reliably determine the server's fully qualified "
                                     "domain name, using 10.244.0.2. Set the 'ServerName' directive globally to "
                                     "suppress this message",), memory=10 * MiB)),
    ImageProfile("busybox", 2_200_000, (), ("sh",), flavour="busybox",
                 tags=r"(latest|musl|glibc|uclibc|stable|1\.(?:2[0-9]|3[0-7])(?:\.[0-9])?)(?:-[a-z0-9.-]+)?",
                 tools=BUSYBOX_TOOLS),
    ImageProfile("alpine", 3_600_000, (), ("/bin/sh",), flavour="busybox",
                 tags=r"(latest|edge|3(?:\.(?:[0-9]|1[0-9]|2[0-2]))?(?:\.[0-9]{1,2})?)", tools=BUSYBOX_TOOLS),
    ImageProfile("curlimages/curl", 10_000_000, ("/entrypoint.sh",), ("curl",), flavour="busybox",
                 tools=frozenset({"curl", "wget", "nslookup"})),
    ImageProfile("ubuntu", 29_000_000, (), ("/bin/bash",)),
    ImageProfile("debian", 49_000_000, (), ("bash",)),
    ImageProfile("redis", 45_000_000, ("docker-entrypoint.sh",), ("redis-server",),
                 server=Server((6379,), logs=("1:M * Ready to accept connections tcp",), memory=4 * MiB)),
    ImageProfile("mysql", 170_000_000, ("docker-entrypoint.sh",), ("mysqld",),
                 server=Server((3306, 33060), start_seconds=8.0, memory=360 * MiB,
                               requires_env=("MYSQL_ROOT_PASSWORD", "MYSQL_ALLOW_EMPTY_PASSWORD",
                                             "MYSQL_RANDOM_ROOT_PASSWORD"),
                               missing_env_log="[ERROR] [Entrypoint]: Database is uninitialized and password option "
                                               "is not specified\n    You need to specify one of the following as "
                                               "an environment variable:\n    - MYSQL_ROOT_PASSWORD\n    - "
                                               "MYSQL_ALLOW_EMPTY_PASSWORD\n    - MYSQL_RANDOM_ROOT_PASSWORD",
                               logs=("[Note] [Entrypoint]: Entrypoint script for MySQL Server started.",
                                     "[System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections."))),
    ImageProfile("postgres", 150_000_000, ("docker-entrypoint.sh",), ("postgres",),
                 server=Server((5432,), start_seconds=3.0, memory=40 * MiB,
                               requires_env=("POSTGRES_PASSWORD", "POSTGRES_HOST_AUTH_METHOD"),
                               missing_env_log="Error: Database is uninitialized and superuser password is not "
                                               "specified.",
                               logs=("LOG:  database system is ready to accept connections",))),
    ImageProfile("perl", 340_000_000, (), ("perl", "-de0")),
    ImageProfile("python", 380_000_000, (), ("python3",)),
    ImageProfile("node", 400_000_000, (), ("node",)),
    ImageProfile("registry.k8s.io/e2e-test-images/agnhost", 51_000_000, ("/agnhost",), ()),
    ImageProfile("registry.k8s.io/goproxy", 5_500_000, ("/goproxy",), (),
                 server=Server((8080,), logs=("Listening on :8080",))),
    # index.php runs a million square roots per request: ~20 ms of one core, which is what
    # makes the HPA walkthrough's single wget loop ask for ~600m (the docs show 305 % of 200m)
    ImageProfile("registry.k8s.io/hpa-example", 180_000_000, (), ("apache2-foreground",),
                 server=Server((80,), _static({"/": "OK!"}), memory=20 * MiB, request_cpu=0.02)),
    ImageProfile("registry.k8s.io/ingress-nginx/controller", 105_000_000, ("/usr/bin/dumb-init", "--"),
                 ("/nginx-ingress-controller",),
                 server=Server((80, 443, 8443, 10254), _ingress_nginx, start_seconds=2.0, memory=90 * MiB,
                               logs=("NGINX Ingress controller", "  Release:       v1.12.1",
                                     "  Build:         git-9ff0c8a3f", "  Repository:    https://github.com/kubernetes/"
                                     "ingress-nginx", "  nginx version: nginx/1.25.5"))),
    ImageProfile("registry.k8s.io/pause", 320_000, ("/pause",), (), server=Server(())),
    ImageProfile("registry.k8s.io/busybox", 1_200_000, (), ("sh",), flavour="busybox", tools=BUSYBOX_TOOLS),
    ImageProfile("k8s.gcr.io/busybox", 1_200_000, (), ("sh",), flavour="busybox", tools=BUSYBOX_TOOLS),
    ImageProfile("registry.k8s.io/echoserver", 46_000_000, (), ("/usr/local/bin/run.sh",),
                 server=Server((8080,), _serve_hostname)),
)}

def _ok(*paths: str, body: str = "ok") -> HttpHandler:
    return _static(dict.fromkeys(paths, body))


#: the control plane and add-ons kubeadm (and kind) run in kube-system: ports, health endpoints, memory
CONTROL_PLANE_SERVERS: dict[str, Server] = {
    "etcd": Server((2379, 2380, 2381), _ok("/livez", "/readyz", "/health"), start_seconds=1.0, memory=45 * MiB,
                   logs=('{"level":"info","msg":"serving client traffic securely","address":"[::]:2379"}',)),
    "kube-apiserver": Server((6443,), _ok("/livez", "/readyz", "/healthz"), start_seconds=3.0, memory=260 * MiB,
                             logs=("Serving securely on [::]:6443",)),
    "kube-controller-manager": Server((10257,), _ok("/healthz"), start_seconds=1.0, memory=55 * MiB,
                                      logs=("Serving securely on 127.0.0.1:10257",)),
    "kube-scheduler": Server((10259,), _ok("/livez", "/readyz", "/healthz"), start_seconds=1.0, memory=25 * MiB,
                             logs=("Serving securely on 127.0.0.1:10259",)),
    "kube-proxy": Server((10249, 10256), _ok("/healthz", "/livez"), memory=20 * MiB,
                         logs=('"Using iptables proxy"',)),
    "coredns": Server((53, 8080, 8181, 9153), _static({"/health": "OK", "/ready": "OK"}), memory=16 * MiB,
                      logs=(".:53", "CoreDNS-1.12.1", "linux/amd64, go1.24.1, 707c7c1")),
}
for _repo, _program in (("registry.k8s.io/etcd", "etcd"), ("registry.k8s.io/kube-apiserver", "kube-apiserver"),
                        ("registry.k8s.io/kube-controller-manager", "kube-controller-manager"),
                        ("registry.k8s.io/kube-scheduler", "kube-scheduler"),
                        ("registry.k8s.io/kube-proxy", "kube-proxy"), ("registry.k8s.io/coredns/coredns", "coredns")):
    PROFILES[_repo] = ImageProfile(_repo, 30_000_000, (f"/{_program}",) if _program == "coredns" else (), (),
                                   server=CONTROL_PLANE_SERVERS[_program])

DEFAULT_PROFILE = ImageProfile("", 60_000_000, (), ("/app",), server=Server((), start_seconds=0.5))

#: programs that are servers whichever image runs them
SERVER_PROGRAMS: dict[str, Server] = {
    "nginx": PROFILES["nginx"].server,  # type: ignore[dict-item]
    "httpd-foreground": PROFILES["httpd"].server,  # type: ignore[dict-item]
    "redis-server": PROFILES["redis"].server,  # type: ignore[dict-item]
    "mysqld": PROFILES["mysql"].server,  # type: ignore[dict-item]
    "postgres": PROFILES["postgres"].server,  # type: ignore[dict-item]
    "apache2-foreground": PROFILES["registry.k8s.io/hpa-example"].server,  # type: ignore[dict-item]
    "/goproxy": PROFILES["registry.k8s.io/goproxy"].server,  # type: ignore[dict-item]
    "/nginx-ingress-controller": PROFILES["registry.k8s.io/ingress-nginx/controller"].server,  # type: ignore[dict-item]
    "/pause": Server(()),
    **CONTROL_PLANE_SERVERS,
}


def profile_for(image: str) -> ImageProfile:
    ref = parse_image(image)
    return PROFILES.get(ref.short, replace(DEFAULT_PROFILE, repo=ref.short))


def tag_exists(image: str) -> bool:
    """Whether the registry has this tag (known images only; unknown images always pull)."""
    ref = parse_image(image)
    prof = PROFILES.get(ref.short)
    if prof is None or prof.tags is None or (ref.digest and not ref.tag):
        return True
    return re.fullmatch(prof.tags, ref.tag) is not None


_IMAGE_NAME = re.compile(r"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
                         r"(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$")


def image_name_valid(image: str) -> bool:
    return bool(_IMAGE_NAME.match(image))


# ------------------------------------------------------------------ overrides
@dataclass
class Overrides:
    """``k9play.dev/…`` annotations for one container."""

    start_delay: float = 0.0
    ready_after: float | None = None
    crash_after: float | None = None
    exit_code: int = 1
    liveness_fail_after: float | None = None
    memory: int | None = None
    cpu: int | None = None
    log_rate: float | None = None
    ignore_sigterm: bool | None = None
    values: dict[str, str] = field(default_factory=dict)


def overrides_for(pod: Obj, container: str) -> Overrides:
    anns = (pod.get("metadata") or {}).get("annotations") or {}
    values: dict[str, str] = {}
    for k, v in anns.items():
        if not k.startswith(ANNOTATION_PREFIX):
            continue
        key = k[len(ANNOTATION_PREFIX):]
        if "." in key:
            cname, _, key = key.partition(".")
            if cname != container:
                continue
            values[key] = str(v)
        else:
            values.setdefault(key, str(v))
    o = Overrides(values=values)

    def seconds(key: str) -> float | None:
        raw = values.get(key)
        if raw is None:
            return None
        m = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m|h)?", raw.strip())
        if not m:
            return None
        return float(m.group(1)) * {None: 1, "s": 1, "ms": 0.001, "m": 60, "h": 3600}[m.group(2)]

    o.start_delay = seconds("start-delay") or 0.0
    o.ready_after = seconds("ready-after")
    o.crash_after = seconds("crash-after")
    o.liveness_fail_after = seconds("liveness-fail-after")
    o.log_rate = float(values["log-rate"]) if _is_number(values.get("log-rate")) else None
    if _is_number(values.get("exit-code")):
        o.exit_code = int(float(values["exit-code"]))
    for key, attr, conv in (("memory", "memory", whole), ("cpu", "cpu", milli)):
        if key in values:
            try:
                setattr(o, attr, conv(values[key]))
            except (QuantityError, TypeError):
                pass
    if "ignore-sigterm" in values:
        o.ignore_sigterm = values["ignore-sigterm"].lower() in ("true", "yes", "1")
    return o


def _is_number(v: str | None) -> bool:
    try:
        float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


# -------------------------------------------------------------- program models
def _digits_of_pi(significant: int) -> str:
    """π to ``significant`` digits, rounded as Perl's ``bpi(n)`` prints it (Machin's formula)."""
    extra = 10
    decimals = significant - 1
    scale = 10 ** (decimals + extra)

    def arctan_inv(x: int) -> int:
        total = term = scale // x
        x2, k, sign = x * x, 3, -1
        while term:
            term //= x2
            total += sign * (term // k)
            sign, k = -sign, k + 2
        return total

    pi = 4 * (4 * arctan_inv(5) - arctan_inv(239))
    rounded = (pi + 5 * 10 ** (extra - 1)) // 10 ** extra
    s = str(rounded)
    return s[0] + "." + s[1:] if decimals > 0 else s


def program_perl(ctx: ShellContext, argv: list[str]) -> Program:
    """``perl -Mbignum=bpi -wle 'print bpi(2000)'`` prints π; other scripts are not run."""
    script = " ".join(argv[1:])
    m = re.search(r"bpi\((\d+)\)", script)
    if m:
        digits = int(m.group(1))
        yield Sleep(2.0 + digits / 400)  # it takes perl a few seconds
        ctx.out(_digits_of_pi(digits) + "\n")
        return 0
    m = re.search(r"print\s+\"([^\"]*)\"", script)
    if m:
        ctx.out(m.group(1).replace("\\n", "\n"))
        return 0
    if argv[1:2] == ["-de0"]:
        return 0  # the debugger without a terminal exits at once
    yield Sleep(0.5)
    return 0


def program_stress(ctx: ShellContext, argv: list[str]) -> Program:
    """``stress --vm 1 --vm-bytes 250M --vm-hang 1``: allocate and hold memory."""
    size = 256 * MiB
    if "--vm-bytes" in argv:
        raw = argv[argv.index("--vm-bytes") + 1]
        try:
            size = whole(raw.replace("M", "Mi").replace("G", "Gi").replace("K", "Ki")) if raw[-1] in "MGK" \
                else whole(raw)
        except QuantityError:
            pass
    timeout = None
    if "--timeout" in argv:
        m = re.fullmatch(r"(\d+)([smh]?)", argv[argv.index("--timeout") + 1])
        if m:
            timeout = int(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[m.group(2)]
    ctx.out(f"stress: info: [{ctx.pid}] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd\n")
    yield Sleep(0.5)
    ctx.set_memory(size)
    yield Sleep(timeout if timeout is not None else FOREVER)
    return 0


def program_agnhost(ctx: ShellContext, argv: list[str]) -> Program:
    """agnhost is a multi-tool: its first argument chooses the behaviour (``liveness`` …)."""
    mode = next((a for a in argv[1:] if not a.startswith("-")), "")
    if mode == "pause":
        yield Sleep(FOREVER)
        return 0
    ctx.out(f"I1201 00:00:00.000000       1 log.go:245] Started {mode or 'agnhost'}\n")
    yield Sleep(FOREVER)
    return 0


PROGRAMS: dict[str, Callable[[ShellContext, list[str]], Program]] = {
    "perl": program_perl,
    "stress": program_stress,
    "dd": program_dd,
    "agnhost": program_agnhost,
}


def agnhost_server(argv: list[str]) -> Server | None:
    """The server an ``agnhost <mode>`` command line starts, if any."""
    mode = next((a for a in argv[1:] if not a.startswith("-")), "")
    flags = {a.split("=", 1)[0]: a.split("=", 1)[1] for a in argv if a.startswith("--") and "=" in a}
    if mode == "liveness":
        return Server((8080,), _agnhost_liveness)
    if mode == "serve-hostname":
        return Server((int(flags.get("--port", 9376)),), _serve_hostname)
    if mode == "netexec":
        return Server((int(flags.get("--http-port", 8080)), int(flags.get("--udp-port", 8081))), _netexec)
    if mode == "test-webserver":
        return Server((80,), _static({"/": "Hello World!\n"}))
    if mode == "grpc-health-checking":
        return Server((5000, 8080), _static({"/make-serving": "", "/make-not-serving": ""}), grpc=True)
    return None


def command_line(container: Obj, profile: ImageProfile) -> list[str]:
    """The argv the runtime starts: command/args over the image's ENTRYPOINT/CMD."""
    command = list(container.get("command") or [])
    args = list(container.get("args") or [])
    if command:
        return command + args
    if args:
        return list(profile.entrypoint) + args
    return list(profile.entrypoint) + list(profile.cmd)


def server_for(argv: list[str], profile: ImageProfile) -> Server | None:
    """Does this command line run a server, and which?"""
    if not argv:
        return profile.server
    if argv[0].rsplit("/", 1)[-1] in ("dumb-init", "tini") and len(argv) > 1:
        rest = argv[2:] if argv[1] == "--" else argv[1:]
        return server_for(rest, profile) if rest else None
    names = [a.rsplit("/", 1)[-1] for a in argv]
    if names[0] in ("agnhost",) or argv[0] == "/agnhost":
        return agnhost_server(argv)
    for raw, name in zip(argv, names, strict=True):
        if raw in SERVER_PROGRAMS:
            return SERVER_PROGRAMS[raw]
        if name in SERVER_PROGRAMS:
            return SERVER_PROGRAMS[name]
        if name in ("sh", "bash", "-c") or raw.startswith("-"):
            break
    if names[0] in ("docker-entrypoint.sh",) or (profile.server is not None and argv == list(
            profile.entrypoint) + list(profile.cmd)):
        return profile.server
    return None


def handles_sigterm(argv: list[str], server: Server | None, overrides: Overrides) -> bool:
    """Whether PID 1 exits on SIGTERM. Servers do; a shell or ``sleep`` as PID 1 has no
    handler (the kernel ignores signals for PID 1 without one) and is killed at the end of
    the grace period."""
    if overrides.ignore_sigterm is not None:
        return not overrides.ignore_sigterm
    if server is not None:
        return True
    name = argv[0].rsplit("/", 1)[-1] if argv else ""
    return name not in ("sh", "bash", "ash", "dash", "sleep", "tail", "perl", "python", "python3", "stress")
