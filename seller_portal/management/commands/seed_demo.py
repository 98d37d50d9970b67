"""seed_demo — load the demo: shops and 12 weeks of their events, and demo accounts.

Local only: every demo account shares one published password (README). The events go
through the same ingestion as the marketplace feed; running the command again is a no-op.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from performance.event_types import parse_time
from performance.models import Event
from performance.services.ingest import events_ingest
from seller_portal.cli import date_argument
from seller_portal.demo import demo_events, demo_shops
from seller_portal.models import Membership, Role, Shop

DEMO_PASSWORD = "demo12345"
DEMO_SHOPS_OF_DEMO_USER = 3  # `demo` owns the first two shops and is an agent of the third


class Command(BaseCommand):
    help = (
        "Load the demo: 24 shops with 12 weeks of orders, reviews, chats, holiday mode and "
        f"violations, and demo accounts (password {DEMO_PASSWORD!r}). Idempotent."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--today", type=date_argument, help="Anchor date (default: today in WIB)"
        )
        parser.add_argument("--shops", type=int, default=24, help="Number of shops (default 24)")
        parser.add_argument("--weeks", type=int, default=12, help="Weeks of events (default 12)")
        parser.add_argument("--seed", type=int, default=2025, help="Random seed (default 2025)")
        parser.add_argument(
            "--write-jsonl",
            metavar="PATH",
            help="Write the events as JSON Lines to PATH instead of loading anything",
        )
        parser.add_argument(
            "--allow-demo-accounts",
            action="store_true",
            help="Create the demo accounts even with DJANGO_DEBUG off (never in production)",
        )

    def handle(self, *args, **options) -> None:
        today = options["today"] or timezone.localdate()
        shops, weeks = options["shops"], options["weeks"]
        if not 1 <= shops <= 1000:
            raise CommandError(f"--shops must be between 1 and 1000, got {shops}")
        if not 1 <= weeks <= 104:
            raise CommandError(f"--weeks must be between 1 and 104, got {weeks}")
        events = demo_events(today, shops=shops, weeks=weeks, seed=options["seed"])

        if options["write_jsonl"]:
            path = Path(options["write_jsonl"])
            try:
                with path.open("w", encoding="utf-8") as out:
                    written = sum(
                        out.write(json.dumps(e, ensure_ascii=False) + "\n") > 0 for e in events
                    )
            except OSError as exc:
                raise CommandError(f"cannot write {path}: {exc.strerror}") from None
            self.stdout.write(f"wrote {written} events to {path}")
            return

        if not settings.DEBUG and not options["allow_demo_accounts"]:
            raise CommandError(
                "seed_demo creates accounts with a published password; run it with "
                "DJANGO_DEBUG=true (local only) or pass --allow-demo-accounts"
            )
        first = next(demo_events(today, shops=1, weeks=weeks, seed=options["seed"]))
        stored = Event.objects.filter(event_id=first["id"]).values_list("at", flat=True).first()
        if stored is not None and stored != parse_time(first["at"]):
            self._accounts(shops)
            self.stdout.write(
                f"Demo data anchored at another date is already loaded (its first event is at "
                f"{timezone.localtime(stored):%Y-%m-%d %H:%M} WIB); nothing to do. Start from an "
                f"empty database to load it for {today}."
            )
            return

        with transaction.atomic():
            result = events_ingest(items=enumerate(events, start=1))
            if not result.ok:  # the generator and the contract disagree: a bug, say it plainly
                errors = "; ".join(f"event {e.position}: {e.reason}" for e in result.errors[:5])
                raise CommandError(f"the demo feed does not match the event contract: {errors}")
            users = self._accounts(shops)
        self.stdout.write(
            f"events stored: {result.stored}, already present: {result.already_present}, "
            f"shops created: {result.shops_created}, accounts created: {users}"
        )
        self.stdout.write(
            f"Log in as 'demo' (or pemilik.<shop>, agen.<shop>, support, reviewer, admin) "
            f"with password {DEMO_PASSWORD!r}."
        )

    def _accounts(self, shop_count: int) -> int:
        """Demo accounts; existing ones are left as they are. Returns how many were created."""
        User = get_user_model()
        password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
        created = 0

        def account(username: str, **fields):
            nonlocal created
            user, made = User.objects.get_or_create(
                username=username, defaults={"password": password, **fields}
            )
            created += made
            return user

        codes = [code for code, *_ in demo_shops(shop_count)]
        shops = {shop.code: shop for shop in Shop.objects.filter(code__in=codes)}
        demo = account("demo", first_name="Sari", last_name="Demo")
        for index, code in enumerate(codes):
            shop = shops[code]
            owner = account(f"pemilik.{code}", first_name="Pemilik", last_name=shop.name)
            agent = account(f"agen.{code}", first_name="Agen", last_name=shop.name)
            members = [(owner, Role.OWNER), (agent, Role.AGENT)]
            if index < DEMO_SHOPS_OF_DEMO_USER:
                role = Role.AGENT if index == DEMO_SHOPS_OF_DEMO_USER - 1 else Role.OWNER
                members.append((demo, role))
            for user, role in members:
                Membership.objects.get_or_create(user=user, shop=shop, defaults={"role": role})
        for name in ("support", "reviewer"):
            user = account(name, is_staff=True, first_name=name.capitalize())
            user.groups.add(Group.objects.get(name=name))
        account("admin", is_staff=True, is_superuser=True, first_name="Admin")
        return created
