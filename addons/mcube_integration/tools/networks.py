import ipaddress


def parse_allowed_networks(text):
    """Networks of a comma separated list of IPs / CIDRs; ValueError names a bad entry."""
    networks = []
    for entry in (text or "").split(","):
        entry = entry.strip()
        if entry:
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError as error:
                raise ValueError(entry) from error
    return networks
