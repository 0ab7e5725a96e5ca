from examgen.cli import main

main()
