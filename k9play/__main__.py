from k9play.cli import main

raise SystemExit(main())
