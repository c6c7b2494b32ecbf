"""Mail that goes with a database change: nothing is half-written when sending fails.

`mail_after_commit` opens the connection to the mail server first (the usual failure, a server that does
not answer, then stops everything before any row is written), runs the change in one transaction, and
sends the queued mails on commit (`transaction.on_commit`). If the server refuses them after the commit,
the `undo` function given by the caller reverts the change in a new transaction. Either way the caller
gets `MailError`, with a French message, and the database is as before."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.mail import EmailMessage, get_connection
from django.db import transaction

log = logging.getLogger(__name__)

MAIL_FAILURES = (OSError, smtplib.SMTPException)


class MailError(Exception):
    """Sending failed; the change that went with the mail was not kept."""


@contextmanager
def mail_after_commit(undo: Callable[[], None] | None = None) -> Iterator[list[EmailMessage]]:
    """Yield an outbox (a list of EmailMessage) inside one transaction; send it once committed.

    Inside an enclosing transaction (a caller's atomic block, a test) there is no commit to wait for:
    the mails go at the end of the block, and a failure rolls the block back."""
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except MAIL_FAILURES as exc:
        log.warning("mail server unreachable: %s", exc)
        raise MailError(UNREACHABLE) from exc
    outbox: list[EmailMessage] = []
    failure: list[BaseException] = []

    def send() -> None:
        try:
            for message in outbox:
                message.connection = connection
            if outbox:
                connection.send_messages(outbox)
        except MAIL_FAILURES as exc:
            log.warning("mail refused: %s", exc)
            failure.append(exc)
        finally:
            connection.close()

    nested = transaction.get_connection().in_atomic_block
    try:
        with transaction.atomic():
            yield outbox
            if nested:
                send()
                if failure:
                    raise MailError(REFUSED) from failure[0]
            else:
                transaction.on_commit(send)
    finally:
        connection.close()
    if failure:
        if undo is not None:
            with transaction.atomic():
                undo()
        raise MailError(REFUSED) from failure[0]


UNREACHABLE = "Le serveur de courriel ne répond pas : rien n'a été enregistré, réessayez plus tard."
REFUSED = "L'envoi du courriel a échoué : rien n'a été enregistré, réessayez plus tard."
