"""What other apps hear from the accounts app."""

from django.dispatch import Signal

# A user's credentials were reset (password changed or set, account disabled): every
# secret that stands in for a login — API tokens here, feed addresses elsewhere — must
# stop working. Sent with `user`, `actor` and `reason`.
credentials_revoked = Signal()
