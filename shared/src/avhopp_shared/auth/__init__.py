"""Caller identity: who is asking, for which agency and organisation.

Bearer JWTs are validated with Authlib (``tokens``) against keys found by
``kid`` (``jwks``); embedded mode signs its own tokens (``local_issuer``,
``token_cli``). Only ``dependencies`` imports FastAPI, so domain code may use
:class:`~avhopp_shared.auth.caller.Caller` without pulling in the web stack.
"""
