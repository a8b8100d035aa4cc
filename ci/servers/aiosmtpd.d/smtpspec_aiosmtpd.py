"""The aiosmtpd handler for smtpspec (ci/servers/aiosmtpd): accepts every message and discards it.

Loaded with `python3 -m aiosmtpd -c smtpspec_aiosmtpd.Discard`. Importing this module also
fixes the name the server gives in its greeting and EHLO reply: aiosmtpd otherwise calls
socket.getfqdn() for every connection, which can send a reverse DNS query off the machine.
The name comes from $SMTPSPEC_AIOSMTPD_HOSTNAME (default mx.example.com).
"""
import os
import socket

HOSTNAME = os.environ.get("SMTPSPEC_AIOSMTPD_HOSTNAME") or "mx.example.com"


def _fqdn(name=""):
    return name if name and name not in ("0.0.0.0", "::") else HOSTNAME


socket.getfqdn = _fqdn


class Discard:
    """No hooks: aiosmtpd's own replies (like aiosmtpd.handlers.Sink), every recipient and
    every message accepted, nothing kept."""
