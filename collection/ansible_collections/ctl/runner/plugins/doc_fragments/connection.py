# -*- coding: utf-8 -*-
# MIT License (see the repository's LICENSE)
from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r'''
options:
  api_url:
    description:
      - Base URL of the automation-runner API, for example C(https://runner.example.com).
      - Inside a run the service sets C(RUNNER_API_URL).
      - Falls back to the environment variable C(RUNNER_API_URL).
    type: str
  api_token:
    description:
      - A bearer token. Inside a run the service sets C(RUNNER_API_TOKEN), a token minted for that run.
      - Falls back to the environment variable C(RUNNER_API_TOKEN).
      - With a token, I(account_alias) is required, since the API has no "who am I" call.
      - Takes precedence over I(api_username) and I(api_password).
    type: str
  api_username:
    description:
      - User to log in as (C(POST /v2/authentication/login)) when no I(api_token) is given.
        The token the login returns is used for the task and revoked (logout) when the task ends.
      - Falls back to the environment variable C(RUNNER_USERNAME).
      - Named C(api_username), not C(username), because several modules have a C(username) of their own
        (the SSH user of a server, the user of a service account).
    type: str
  api_password:
    description:
      - Password of I(api_username).
      - Falls back to the environment variable C(RUNNER_PASSWORD).
    type: str
  account_alias:
    description:
      - The account to act on (for example C(DEMO)); a sub-account of the caller's account is allowed.
      - Falls back to the environment variable C(RUNNER_ACCOUNT_ALIAS); after that, with I(api_username),
        to the account of the user who logged in.
      - Required with I(api_token) (there is no call that names the token's account).
    type: str
  validate_certs:
    description:
      - Whether to verify the API's TLS certificate. Falls back to C(RUNNER_VALIDATE_CERTS).
    type: bool
    default: true
  api_timeout:
    description: Seconds to wait for each HTTP request.
    type: int
    default: 30
notes:
  - Secrets (passwords, private keys) are write-only in the API; they come back as C($encrypted$) or not at all,
    so they cannot be compared. Modules that take one have an C(update_password) or C(update_secrets) option,
    C(on_create) (default; a stored secret is kept, so a second run reports no change) or C(always)
    (send it every time, which always reports a change).
  - All modules of the collection are in the action group C(ctl.runner.runner), so connection options can be
    set once with C(module_defaults).
'''
