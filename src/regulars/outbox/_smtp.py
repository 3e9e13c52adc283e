"""Email over SMTP: one connection per delivery run, TLS by STARTTLS or from the start, a login
whose password comes from the environment (never printed), and a Message-ID made from the
action's key so a mail system can tell a repeat."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate

from regulars.errors import DeliveryError
from regulars.outbox._outcome import Outcome

__all__ = ["UNSUBSCRIBE_LINE", "SmtpSender", "build_email", "unsubscribe_link"]


#: How a message's footer starts its unsubscribe line (``app.with_footer`` writes it).
UNSUBSCRIBE_LINE = "Unsubscribe: "


def unsubscribe_link(body: str) -> str | None:
    """The unsubscribe link a message's footer carries, if any (its last such line)."""
    found = [line[len(UNSUBSCRIBE_LINE):].strip() for line in body.splitlines() if line.startswith(UNSUBSCRIBE_LINE)]
    return found[-1] if found and found[-1].startswith(("http://", "https://")) else None


def build_email(sender: str, to: str, subject: str, body: str, key: str, html: str | None = None) -> EmailMessage:
    """A plain-text message with ``Message-ID: <key@regulars>`` (and an HTML alternative); a body
    with an unsubscribe link gives mail programs their one-click button too (RFC 8058)."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = f"<{key}@regulars>"
    link = unsubscribe_link(body)
    if link:
        message["List-Unsubscribe"] = f"<{link}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


class SmtpSender:
    """``with SmtpSender(...) as smtp: smtp.send(message)``. A refused login or an unreachable
    server is a ``DeliveryError`` (nothing can be sent; the caller stops); a refused recipient
    or message is an ``Outcome`` (retry on a 4xx answer, not on a 5xx)."""

    def __init__(self, host: str, port: int, security: str, user: str, password: str | None, timeout: float,
                 ca_file: str | None = None) -> None:
        self.host, self.port, self.security = host, port, security
        self.user, self.password, self.timeout, self.ca_file = user, password, timeout, ca_file
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpSender:
        import ssl

        where = f"{self.host}:{self.port}"
        try:
            context = ssl.create_default_context(cafile=self.ca_file or None)
        except OSError as exc:
            raise DeliveryError(f"cannot read the certificate authorities in {self.ca_file}: {exc.strerror}") from None
        try:
            if self.security == "ssl":
                self.smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
            else:
                self.smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                if self.security == "starttls":
                    self.smtp.starttls(context=context)
            if self.user:
                self.smtp.login(self.user, self.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            self.close()
            raise DeliveryError(f"the mail server {where} refused the login of {self.user!r} ({exc.smtp_code}); "
                                "check delivery.smtp_user and the password in the environment") from None
        except smtplib.SMTPNotSupportedError:
            self.close()
            raise DeliveryError(f"the mail server {where} does not offer {'STARTTLS' if self.security == 'starttls' else 'login'}"
                                "; check delivery.smtp_security") from None
        except ssl.SSLCertVerificationError as exc:
            self.close()
            raise DeliveryError(f"the mail server {where} has a certificate this machine does not trust "
                                f"({exc.verify_message}); set delivery.smtp_ca_file for a private one") from None
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise DeliveryError(f"cannot reach the mail server {where}: {exc}") from None
        return self

    def send(self, message: EmailMessage) -> Outcome:
        assert self.smtp is not None, "use SmtpSender in a with block"
        try:
            refused = self.smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            code = next(iter(exc.recipients.values()))[0]
            return Outcome(False, f"the mail server refused the address ({code})", retry=400 <= code < 500)
        except smtplib.SMTPResponseException as exc:
            return Outcome(False, f"the mail server answered {exc.smtp_code}", retry=400 <= exc.smtp_code < 500)
        except (OSError, smtplib.SMTPException) as exc:
            return Outcome(False, f"the connection to the mail server failed: {type(exc).__name__}", retry=True)
        if refused:
            return Outcome(False, "the mail server refused the address", retry=False)
        return Outcome(True, "accepted by the mail server")

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None

    def __exit__(self, *exc: object) -> None:
        self.close()
