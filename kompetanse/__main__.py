from kompetanse.cli import main

raise SystemExit(main())
