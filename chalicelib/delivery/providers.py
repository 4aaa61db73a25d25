"""Email (SES) and SMS (SNS) behind one small interface.

Errors are sorted in three: ``PermanentDeliveryError`` (the address or number will never work:
try the other channel or alert), ``ThrottledError`` (the account's sending rate: try again soon,
not counted) and ``TransientDeliveryError`` (try again later, bounded).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib import aws, settings

# The address or number will never work. Anything else — throttling, outages, but also an account
# or configuration problem (sending paused, expired credentials) — is retried, bounded, then
# ``failed`` with an alert: an operator's mistake must not mark partners undeliverable.
PERMANENT_CODES = {"MessageRejected", "InvalidParameterValue", "InvalidParameter", "OptedOut"}
# The account's sending rate or daily quota (SES "Maximum sending rate exceeded", SNS SMS
# per-account TPS): the message is fine, it goes out a little later without spending an attempt.
THROTTLING_CODES = {
    "Throttling",
    "ThrottlingException",
    "Throttled",
    "ThrottledException",
    "TooManyRequestsException",
    "MaxSendRateExceeded",
}


class DeliveryError(Exception):
    """A send did not happen. ``code`` is the provider's error code (never an address)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class PermanentDeliveryError(DeliveryError):
    pass


class TransientDeliveryError(DeliveryError):
    pass


class ThrottledError(TransientDeliveryError):
    """The provider refused for the account's rate: retry soon, not an attempt of this message."""


@dataclass(frozen=True)
class Email:
    recipients: list[str]
    subject: str
    text: str
    html: str
    attachments: tuple = ()  # messages.render.Attachment
    tag: str | None = None  # our message id, echoed back by SES delivery events
    reply_to: tuple[str, ...] = ()  # the department: a reply reaches people, not the sender


class Provider(Protocol):
    def send_email(self, email: Email) -> str: ...

    def send_sms(self, number: str, text: str) -> str: ...

    def sms_opted_out(self, number: str) -> bool: ...


class AwsProvider:
    """SES ``SendRawEmail`` (text + HTML + attachments) and SNS ``Publish`` to a phone number."""

    def send_email(self, email: Email) -> str:
        current = settings.current()
        mime = EmailMessage()
        mime["From"] = formataddr(("Relais ASE", current.ses_sender))
        mime["To"] = ", ".join(email.recipients)
        mime["Subject"] = email.subject
        if email.reply_to:
            mime["Reply-To"] = ", ".join(email.reply_to)
        mime["Message-ID"] = make_msgid(domain=current.ses_sender.split("@", 1)[1])
        mime.set_content(email.text)
        mime.add_alternative(email.html, subtype="html")
        for attachment in email.attachments:
            kind, *parameters = [part.strip() for part in attachment.content_type.split(";")]
            maintype, subtype = kind.split("/", 1)
            params = dict(p.split("=", 1) for p in parameters if "=" in p)
            mime.add_attachment(
                attachment.data,
                maintype=maintype,
                subtype=subtype,
                filename=attachment.filename,
                params=params,
            )
        response = _call(
            aws.client("ses").send_raw_email,
            Source=current.ses_sender,
            Destinations=email.recipients,
            RawMessage={"Data": mime.as_bytes()},
            ConfigurationSetName=current.ses_configuration_set,
            Tags=[{"Name": "relais_message", "Value": email.tag}] if email.tag else [],
        )
        return response["MessageId"]

    def send_sms(self, number: str, text: str) -> str:
        current = settings.current()
        response = _call(
            aws.client("sns").publish,
            PhoneNumber=number,
            Message=text,
            MessageAttributes={
                "AWS.SNS.SMS.SenderID": {
                    "DataType": "String",
                    "StringValue": current.sms_sender_id,
                },
                "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
            },
        )
        return response["MessageId"]

    def sms_opted_out(self, number: str) -> bool:
        """Has the number answered STOP to our SMS? (SNS keeps the opt-out list)"""
        response = _call(aws.client("sns").check_if_phone_number_is_opted_out, phoneNumber=number)
        return bool(response.get("isOptedOut"))


def _call(operation: Callable[..., Any], **kwargs: Any) -> Any:
    try:
        return operation(**kwargs)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "ClientError")
        if code in PERMANENT_CODES:
            raise PermanentDeliveryError(code) from None
        if code in THROTTLING_CODES:
            raise ThrottledError(code) from None
        raise TransientDeliveryError(code) from None
    except BotoCoreError as error:
        raise TransientDeliveryError(type(error).__name__) from None


_PROVIDER: Provider = AwsProvider()


def provider() -> Provider:
    return _PROVIDER
