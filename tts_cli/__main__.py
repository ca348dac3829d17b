from tts_cli.cli import main

main()
