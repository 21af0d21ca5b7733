"""Sync: the wire protocol, the client engine and the reference server (issue 3). No Qt."""
