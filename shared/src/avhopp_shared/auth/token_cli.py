"""``python -m avhopp_shared.auth.token_cli``: a bearer token for a demo client.

    python -m avhopp_shared.auth.token_cli --list
    TOKEN=$(python -m avhopp_shared.auth.token_cli --client police-syd)
    curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8001/...

Only the token goes to standard output, so it can be captured as above.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import ValidationError

from avhopp_shared.auth.local_issuer import (
    DEFAULT_AUDIENCE,
    DEFAULT_ISSUER,
    DEFAULT_KEY_PATH,
    DEFAULT_LIFETIME_SECONDS,
    DEMO_CLIENTS,
    LocalIssuer,
)
from avhopp_shared.settings import ServiceSettings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m avhopp_shared.auth.token_cli",
        description="Mint a token for a demo client with the embedded-mode issuer.",
    )
    choice = parser.add_mutually_exclusive_group(required=True)
    choice.add_argument("--client", metavar="NAME", help="demo client to mint a token for")
    choice.add_argument("--list", action="store_true", help="list the demo clients")
    # Defaults follow the platform's own settings (AVHOPP_VAR_DIR,
    # AVHOPP_AUTH_ISSUER …), so the token matches what `make run` verifies.
    parser.add_argument("--key-path", type=Path, default=None, help=f"default {DEFAULT_KEY_PATH}")
    parser.add_argument("--issuer", default=None, help=f"default {DEFAULT_ISSUER}")
    parser.add_argument("--audience", default=None, help=f"default {DEFAULT_AUDIENCE}")
    parser.add_argument("--lifetime", type=int, default=DEFAULT_LIFETIME_SECONDS, metavar="SECONDS")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.list:
        for demo in DEMO_CLIENTS.values():
            print(
                f"{demo.client_id:<25} {demo.agency.value:<10} "
                f"{demo.organisation:<20} {demo.user or '-'}"
            )
        return 0
    client = DEMO_CLIENTS.get(args.client)
    if client is None:
        known = ", ".join(DEMO_CLIENTS)
        print(f"unknown client {args.client!r}; known clients: {known}", file=sys.stderr)
        return 2
    try:
        settings = ServiceSettings()
    except ValidationError as error:
        # Where no service trusts the local issuer (a JWKS URL is required
        # there), a demo token would be of no use: say why instead of minting.
        print(error, file=sys.stderr)
        return 2
    issuer = LocalIssuer(
        args.key_path or settings.issuer_key_path,
        args.issuer or settings.auth_issuer,
        args.audience or settings.auth_audience,
    )
    try:
        token = issuer.mint(client, lifetime_seconds=args.lifetime)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    print(token)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
