from oocheck.cli import main

main()
