from divergent.cli import main

raise SystemExit(main())
