"""Deterministic seed data: the same `seed` always yields the same customers.

Seeding must stay fast (benchmarks seed 200,000 customers): customers are built in chunks
only when a request reaches them, each customer costs one 64-bit draw whose bit fields pick
its attributes, and subscriptions are derived on demand from a per-customer seed.
"""

from __future__ import annotations

import random
from functools import lru_cache

from ._seed_wide import wide_stripe_fields
from ._store import CUSTOMER_ID_LENGTH, CustomerRecord, Plan, Subscription, make_id, sort_key

SEED_HISTORY_END_MS = 1_717_200_000_000
"""2024-06-01T00:00:00Z: seeded customers were all created before this instant."""
SEED_HISTORY_SPAN_MS = 3 * 365 * 86_400_000

FIRST_NAMES = (
    "Ada", "Alan", "Barbara", "Claude", "Dennis", "Donald", "Edsger", "Frances", "Grace",
    "Guido", "Hedy", "Ida", "Jean", "John", "Ken", "Linus", "Margaret", "Niklaus", "Radia",
    "Rasmus", "Shafi", "Sophie", "Tim", "Whitfield", "Yukihiro", "Zhang", "Éva", "Łukasz",
)  # fmt: skip
LAST_NAMES = (
    "Lovelace", "Turing", "Liskov", "Shannon", "Ritchie", "Knuth", "Dijkstra", "Allen",
    "Hopper", "van Rossum", "Lamarr", "Rhodes", "Bartik", "Backus", "Thompson", "Torvalds",
    "Hamilton", "Wirth", "Perlman", "Lerdorf", "Goldwasser", "Wilson", "Berners-Lee",
    "Diffie", "Matsumoto", "Wei", "Tardos", "Nowak",
)  # fmt: skip
# Several customers share each domain, so "everyone at acme.io" style queries have answers.
EMAIL_DOMAINS = ("example.com", "acme.io", "globex.com", "initech.co", "umbrella.org", "gmail.com")
TIERS = ("gold", "silver", "bronze")
SUBSCRIPTION_STATUSES = (
    "active", "trialing", "past_due", "canceled", "unpaid", "incomplete",
    "incomplete_expired", "paused",
)  # fmt: skip
PLANS = (
    Plan("price_1PgafmB7WZ01zgkW6dKueIc5", "Starter Plan", 999, "usd", "month"),
    Plan("price_1PgafnB7WZ01zgkWq3Zr8cT1", "Premium Plan", 4999, "usd", "month"),
    Plan("price_1PgafoB7WZ01zgkWx7Lm2aB9", "Premium Plan (annual)", 49990, "usd", "year"),
    Plan("price_1PgafpB7WZ01zgkWd4Hs6eK0", "Enterprise Plan", 199900, "eur", "year"),
)
_DAY_S = 86_400
_INTERVAL_SECONDS = {"month": 30 * _DAY_S, "year": 365 * _DAY_S}


CHUNK_SIZE = 1000
"""Customers generated together; a multiple of 10 so batch-import ties never span chunks."""


class SeedCustomers:
    """`count` customers created over the three years before mid-2024, built chunk by chunk.

    Each chunk is generated from its own random stream, so any chunk can be built first and
    the data never depends on which pages were asked for; the store builds chunks newest
    first, on demand, which keeps a 200,000-customer sandbox instant to start. With ``wide``
    every Stripe field is filled (see ``_seed_wide``), as in benchmarks of the typed models.

    >>> seeded = SeedCustomers(count=3, seed=0)
    >>> [c.number for c in seeded.chunk(0)]
    [1, 2, 3]
    """

    def __init__(self, count: int, seed: int, *, wide: bool = False) -> None:
        self.count = count
        self.seed = seed
        self.wide = wide
        self.chunk_count = -(-count // CHUNK_SIZE)
        self._gap_ms = SEED_HISTORY_SPAN_MS // max(count, 1)
        self._first_created_ms = SEED_HISTORY_END_MS - SEED_HISTORY_SPAN_MS

    def chunk(self, index: int) -> list[CustomerRecord]:
        """Chunk `index` (0 = oldest) in ascending (created_ms, id) order."""
        rng = random.Random(f"customers-sdk-sandbox:{self.seed}:{index}")
        first_number = index * CHUNK_SIZE + 1
        last_number = min(self.count, first_number + CHUNK_SIZE - 1)
        records: list[CustomerRecord] = []
        created_ms = 0
        for number in range(first_number, last_number + 1):
            bits = rng.getrandbits(64)
            # Every tenth customer shares its predecessor's creation millisecond (a batch
            # import), so the id tiebreak of the sort order is exercised by ordinary data;
            # otherwise a jitter under half a gap keeps creation times strictly increasing.
            if number % 10:
                jitter = int(rng.random() * (self._gap_ms // 2 + 1))
                created_ms = self._first_created_ms + (number - 1) * self._gap_ms + jitter
            first = FIRST_NAMES[bits % len(FIRST_NAMES)]
            last = LAST_NAMES[(bits >> 8) % len(LAST_NAMES)]
            name = _name(number, first, last)
            records.append(
                CustomerRecord(
                    id=make_id("cus_", rng.randbytes(CUSTOMER_ID_LENGTH)),
                    number=number,
                    created_ms=created_ms,
                    updated_ms=created_ms + (bits >> 12) % (30 * _DAY_S * 1000),
                    email=_email(number, first, last, bits),
                    name=name,
                    phone=_phone(bits),
                    description=f"Customer {number}, imported" if self.wide else None,
                    metadata=_metadata(bits >> 44),
                    subscription_seed=bits,
                    stripe=wide_stripe_fields(number, bits, name) if self.wide else None,
                )
            )
        records.sort(key=sort_key)
        return records


def _email(number: int, first: str, last: str, bits: int) -> str | None:
    if number % 11 == 0:
        return None
    local = f"{first}.{last}".lower().replace(" ", "")
    return f"{local}{number}@{EMAIL_DOMAINS[(bits >> 40) % len(EMAIL_DOMAINS)]}"


def _name(number: int, first: str, last: str) -> str | None:
    if number % 23 == 0:
        return None
    if number % 17 == 0:
        return first  # a single-word name has no last name to split off
    return f"{first} {last}"


def _phone(bits: int) -> str | None:
    return None if (bits >> 16) % 4 == 0 else f"+1415{(bits >> 20) % 10_000_000:07d}"


def _metadata(bits: int) -> dict[str, str]:
    if bits % 3 == 0:
        return {}
    metadata = {"tier": TIERS[(bits >> 2) % len(TIERS)]}
    if (bits >> 4) % 5 == 0:
        metadata["source"] = "import"
    return metadata


def subscriptions_of(record: CustomerRecord) -> tuple[Subscription, ...]:
    """The subscriptions of a customer, derived from its seed (none for API-created ones).

    Statuses cycle with the customer number so every status occurs among any forty
    consecutive seeded customers; a fifth of customers never subscribed.
    """
    if record.subscription_seed is None or record.number % 5 == 0:
        return ()
    return _derive_subscriptions(record.subscription_seed, record.number, record.created_ms)


@lru_cache(maxsize=1 << 16)
def _derive_subscriptions(seed: int, number: int, created_ms: int) -> tuple[Subscription, ...]:
    # Cached: deriving them is most of the cost of an offset page, and a real server would
    # read them from storage, so the sandbox should not be the bottleneck of a benchmark.
    rng = random.Random(seed)
    count = 1 + (rng.random() < 0.3) + (rng.random() < 0.1)
    created_s = created_ms // 1000
    subscriptions = []
    for index in range(count):
        status = SUBSCRIPTION_STATUSES[(number + index) % len(SUBSCRIPTION_STATUSES)]
        plan = None if (index == 0 and number % 7 == 3) else rng.choice(PLANS)
        start = created_s + int(rng.random() * 365) * _DAY_S
        length = _INTERVAL_SECONDS[plan.interval if plan else "month"]
        subscriptions.append(
            Subscription(
                id=make_id("sub_", rng.randbytes(24)),
                status=status,
                current_period_start=start,
                current_period_end=start + length,
                plan=plan,
            )
        )
    return tuple(subscriptions)


def has_active_subscription(record: CustomerRecord) -> bool:
    """True when any subscription is `active` or `trialing` (what the offset API calls active)."""
    return any(s.status in ("active", "trialing") for s in subscriptions_of(record))
