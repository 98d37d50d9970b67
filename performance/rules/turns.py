"""Buyer turns of RULES §5: a maximal run of consecutive buyer messages in a conversation,
answered by the next seller message (auto-replies and FAQ answers included)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ChatMessage:
    shop_id: int
    conversation: str
    at: datetime
    sender: str  # "buyer" or "seller"
    message: str = ""  # the marketplace's message id (abuse tickets name these)
    auto_reply: bool = False


@dataclass
class BuyerTurn:
    shop_id: int
    conversation: str
    started_at: datetime
    message_ids: list[str] = field(default_factory=list)
    answered_at: datetime | None = None
    answered_by_auto_reply: bool = False

    def on_time(self, reply_hours: int) -> bool:
        """Answered within the limit; exactly the limit is on time."""
        return self.answered_at is not None and (
            self.answered_at - self.started_at <= timedelta(hours=reply_hours)
        )

    def decided_before(self, moment: datetime, reply_hours: int) -> bool:
        """Known to be on time or late at `moment`: answered, or its deadline has passed."""
        deadline = self.started_at + timedelta(hours=reply_hours)
        return (self.answered_at is not None and self.answered_at < moment) or deadline < moment


def buyer_turns(messages: Iterable[ChatMessage]) -> Iterator[BuyerTurn]:
    """Turns from messages ordered by (shop, conversation, time, id), in one pass."""
    turn: BuyerTurn | None = None
    current: tuple[int, str] | None = None
    for message in messages:
        if (message.shop_id, message.conversation) != current:
            if turn is not None:
                yield turn
            turn, current = None, (message.shop_id, message.conversation)
        if message.sender == "buyer":
            if turn is None:
                turn = BuyerTurn(message.shop_id, message.conversation, message.at)
            turn.message_ids.append(message.message)
        elif turn is not None:
            turn.answered_at = message.at
            turn.answered_by_auto_reply = message.auto_reply
            yield turn
            turn = None
    if turn is not None:
        yield turn
