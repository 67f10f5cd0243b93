from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attune.core import crypto, keys


class Command(BaseCommand):
    help = "Manage encryption keys: generate a key file, or rotate the key-encryption key."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        generate = sub.add_parser("generate", help="Write a new random 256-bit key to a file (mode 600)")
        generate.add_argument("path")
        rotate = sub.add_parser("rotate", help="Re-wrap every data key under a new key-encryption key")
        rotate.add_argument("--new-kek-file", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "generate":
            path = Path(options["path"])
            if path.exists():
                raise CommandError(f"{path} exists; refusing to overwrite a key")
            path.touch(mode=0o600)
            path.write_text(crypto.dump_key(crypto.new_key()) + "\n")
            self.stdout.write(f"wrote a new key to {path}")
            return
        try:
            new_kek = crypto.load_key(Path(options["new_kek_file"]).read_text())
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read the new key: {exc}") from exc
        count = keys.rotate(keys.current_kek(), new_kek)
        self.stdout.write(
            f"re-wrapped {count} data keys under key {crypto.key_id(new_kek)}; "
            f"now set ATTUNE_KEK_FILE={options['new_kek_file']} and keep the old key until backups roll over"
        )
