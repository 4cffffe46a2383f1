# SPDX-License-Identifier: GPL-3.0-or-later
"""A tiny authoritative DNS server on a loopback port, UDP and TCP, built with dnspython's message API.

It answers from the zone-file lines a test gives (``"example.org. 3600 IN MX 10 mail.example.org."``,
the form of mailcow_dns_records' ``lines``): NXDOMAIN for a name it has no record of, NODATA for a
name without the asked type, a CNAME followed within the zone. Over UDP an answer is cut at 512 bytes
(more only when the query offers a larger EDNS payload) with the TC flag set, so a long answer needs
TCP, as from a real server. ``silent=True`` receives queries and never answers; ``rcode`` answers
every query with that code (SERVFAIL, REFUSED). ``queries`` records (transport, name, type) of each.
"""

from __future__ import annotations

import socket
import threading
import typing as t

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.rrset

UDP_LIMIT = 512


def parse_zone(lines: t.Iterable[str]) -> dict[tuple[dns.name.Name, int], dns.rrset.RRset]:
    """Zone-file lines (absolute names) -> RRsets by (name, type)."""
    zone: dict[tuple[dns.name.Name, int], dns.rrset.RRset] = {}
    for line in lines:
        name, ttl, rdclass, rdtype, rdata = line.split(None, 4)
        rrset = dns.rrset.from_text(name, int(ttl), rdclass, rdtype, rdata)
        if (rrset.name, rrset.rdtype) in zone:
            zone[(rrset.name, rrset.rdtype)].union_update(rrset)
        else:
            zone[(rrset.name, rrset.rdtype)] = rrset
    return zone


class DnsResponder:
    """Serve ``lines`` on 127.0.0.1:<port> (UDP and TCP) until ``close()``."""

    def __init__(self, lines: t.Iterable[str] = (), *, silent: bool = False, rcode: int | None = None) -> None:
        self.zone = parse_zone(lines)
        self.names = {name for name, _rdtype in self.zone}
        self.silent, self.rcode = silent, rcode
        self.queries: list[tuple[str, str, str]] = []
        self.udp, self.tcp = self._bind()
        self.port: int = self.udp.getsockname()[1]
        self.nameserver = "127.0.0.1:%d" % self.port
        self.closing = threading.Event()
        self.threads = [threading.Thread(target=loop, daemon=True) for loop in (self._serve_udp, self._serve_tcp)]
        for thread in self.threads:
            thread.start()

    @staticmethod
    def _bind() -> tuple[socket.socket, socket.socket]:
        """A UDP and a TCP socket on the same free port."""
        for _attempt in range(20):
            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            udp.bind(("127.0.0.1", 0))
            tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                tcp.bind(("127.0.0.1", udp.getsockname()[1]))
            except OSError:
                udp.close()
                tcp.close()
                continue
            tcp.listen(8)
            udp.settimeout(0.05)
            tcp.settimeout(0.05)
            return udp, tcp
        raise RuntimeError("no free loopback port for both UDP and TCP")

    def close(self) -> None:
        self.closing.set()
        for thread in self.threads:
            thread.join(2)
        self.udp.close()
        self.tcp.close()

    def __enter__(self) -> "DnsResponder":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- answers -------------------------------------------------------------------------------

    def answer(self, query: dns.message.Message, transport: str) -> dns.message.Message | None:
        question = query.question[0]
        self.queries.append((transport, question.name.to_text(), dns.rdatatype.to_text(question.rdtype)))
        if self.silent:
            return None
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        if self.rcode is not None:
            response.set_rcode(self.rcode)
            return response
        name = question.name
        for _depth in range(8):  # follow a CNAME within the zone
            if name not in self.names:
                response.set_rcode(dns.rcode.NXDOMAIN)
                break
            cname = self.zone.get((name, dns.rdatatype.CNAME))
            if cname is None or question.rdtype == dns.rdatatype.CNAME:
                found = self.zone.get((name, question.rdtype))
                if found is not None:
                    response.answer.append(found)
                break
            response.answer.append(cname)
            name = cname[0].target
        return response

    # -- transports ----------------------------------------------------------------------------

    def _serve_udp(self) -> None:
        while not self.closing.is_set():
            try:
                wire, peer = self.udp.recvfrom(65535)
            except (socket.timeout, OSError):
                continue
            query = dns.message.from_wire(wire)
            response = self.answer(query, "udp")
            if response is not None:
                limit = max(UDP_LIMIT, query.payload if query.edns >= 0 else 0)
                self.udp.sendto(response.to_wire(max_size=limit, prefer_truncation=True), peer)

    def _serve_tcp(self) -> None:
        while not self.closing.is_set():
            try:
                conn, _peer = self.tcp.accept()
            except (socket.timeout, OSError):
                continue
            with conn:
                conn.settimeout(2)
                self._tcp_session(conn)

    def _tcp_session(self, conn: socket.socket) -> None:
        while True:
            try:
                size = int.from_bytes(self._read(conn, 2), "big")
                query = dns.message.from_wire(self._read(conn, size))
            except (EOFError, OSError):
                return
            response = self.answer(query, "tcp")
            if response is None:
                return
            conn.sendall(response.to_wire(prepend_length=True))

    @staticmethod
    def _read(conn: socket.socket, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = conn.recv(size - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data
