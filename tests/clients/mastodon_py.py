"""Mastodon.py against a Guildhall server on loopback (run by
tests/mastodon_api.rs): registers an app, logs in with a password and with
the authorization-code flow (following the sign-in and consent forms over
HTTP, as a browser would), and walks the API. Asserts as it goes (a
failure exits non-zero) and prints what it saw as one JSON object.

Usage: mastodon_py.py BASE_URL USERNAME PASSWORD GROUP OTHER OTHER_PASSWORD
OTHER_GROUP THREAD_OF_OTHER

USERNAME owns GROUP; OTHER is a member of GROUP, owns OTHER_GROUP, and
started the thread THREAD_OF_OTHER (a title) in GROUP.
"""

import html
import json
import re
import sys
import time
import urllib.parse

import requests
from mastodon import Mastodon
from mastodon.errors import MastodonAPIError

BASE, USERNAME, PASSWORD, GROUP, OTHER, OTHER_PASSWORD, OTHER_GROUP, OTHERS_THREAD = sys.argv[1:9]
CALLBACK = "http://127.0.0.1:9/callback"
SCOPES = ["read", "write", "follow"]
seen = {}


def hidden_fields(page):
    """The hidden inputs of the page's form, as a dict."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="hidden"' in tag:
            fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return fields


def authorize_in_browser(url):
    """Signs in on the web page the consent page sends us to, allows the
    app, and returns the code from the redirect to the callback."""
    web = requests.Session()
    page = web.get(url, allow_redirects=True)
    assert page.status_code == 200 and "/login" in page.url, (page.status_code, page.url)
    fields = hidden_fields(page.text)
    fields.update({"username": USERNAME, "password": PASSWORD})
    consent = web.post(BASE + "/login", data=fields, allow_redirects=True)
    assert consent.status_code == 200, consent.status_code
    assert "/oauth/authorize" in consent.url, consent.url
    fields = hidden_fields(consent.text)
    fields["decision"] = "approve"
    answer = web.post(BASE + "/oauth/authorize", data=fields, allow_redirects=False)
    assert answer.status_code == 302, (answer.status_code, answer.text)
    location = urllib.parse.urlparse(answer.headers["Location"])
    query = urllib.parse.parse_qs(location.query)
    assert location.netloc == "127.0.0.1:9", location
    assert query["state"] == ["walk-state"], query
    return query["code"][0]


# An app, registered as Mastodon.py does it.
client_id, client_secret = Mastodon.create_app(
    "Guildhall walk",
    scopes=SCOPES,
    redirect_uris=[CALLBACK, "urn:ietf:wg:oauth:2.0:oob"],
    website="https://walk.example/",
    api_base_url=BASE,
)

# The password grant.
api = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=BASE)
api.log_in(USERNAME, PASSWORD, scopes=SCOPES)
me = api.account_verify_credentials()
assert me["username"] == USERNAME, me
assert me["source"]["privacy"] == "public", me
seen["password_login"] = me["acct"]

# The authorization-code flow, through the web pages.
coded = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=BASE)
url = coded.auth_request_url(redirect_uris=CALLBACK, scopes=SCOPES, state="walk-state")
code = authorize_in_browser(url)
coded.log_in(code=code, redirect_uri=CALLBACK, scopes=SCOPES)
seen["code_login"] = coded.account_verify_credentials()["acct"]

# The server, as apps see it.
coded.retrieve_mastodon_version()
seen["version"] = [coded.mastodon_major, coded.mastodon_minor, coded.mastodon_patch]
v2 = coded.instance_v2()
seen["instance_title"] = v2["title"]
seen["api_version"] = coded.mastodon_api_version

# A group is an account with group: true.
group = coded.account_lookup(GROUP)
assert group["group"] is True, group
seen["group"] = {"acct": group["acct"], "id": str(group["id"]), "members": group["followers_count"]}
again = coded.account(group["id"])
assert again["acct"] == group["acct"], again

# Following a group joins it.
hikers = coded.account_lookup(OTHER_GROUP)
relation = coded.account_follow(hikers["id"])
assert relation["following"] is True, relation
assert coded.account(hikers["id"])["followers_count"] == 2
seen["joined"] = OTHER_GROUP

# A status mentioning one group starts a thread in it; the same
# Idempotency-Key answers the same status.
text = "@%s Lathe advice\nWhich lathe for a small shop?" % GROUP
thread = coded.status_post(text, idempotency_key="walk-key-1")
again = coded.status_post(text, idempotency_key="walk-key-1")
assert again["id"] == thread["id"], (thread["id"], again["id"])
assert thread["content"].startswith("<p><strong>Lathe advice</strong></p>"), thread["content"]
assert thread["mentions"][0]["acct"] == GROUP, thread["mentions"]
seen["thread"] = str(thread["id"])

# A reply is a comment; the context shows it.
reply = coded.status_post("A note to self: measure the bench first.", in_reply_to_id=thread["id"])
assert str(reply["in_reply_to_id"]) == str(thread["id"]), reply
context = coded.status_context(thread["id"])
assert [str(s["id"]) for s in context["descendants"]] == [str(reply["id"])], context
seen["reply"] = str(reply["id"])

# The other member replies: a notification of the mention type.
other = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=BASE)
other.log_in(OTHER, OTHER_PASSWORD, scopes=SCOPES)
answer = other.status_post("A small benchtop one.", in_reply_to_id=thread["id"])
notified = []
for _ in range(200):
    notified = [n for n in coded.notifications() if n["type"] == "mention"]
    if notified:
        break
    time.sleep(0.1)
assert notified, "no notification of the reply"
assert str(notified[0]["status"]["id"]) == str(answer["id"]), notified[0]
assert notified[0]["account"]["acct"] == OTHER, notified[0]
seen["notified"] = {"type": notified[0]["type"], "status": str(notified[0]["status"]["id"])}

# Favourite is an upvote (on another's thread); unfavourite clears it.
home = coded.timeline_home()
theirs = [s for s in home if s["content"].startswith("<p><strong>%s</strong>" % OTHERS_THREAD)]
assert theirs, [s["content"] for s in home]
liked = coded.status_favourite(theirs[0]["id"])
assert liked["favourited"] is True and liked["favourites_count"] == 1, liked
unliked = coded.status_unfavourite(theirs[0]["id"])
assert unliked["favourited"] is False and unliked["favourites_count"] == 0, unliked
seen["favourited"] = str(theirs[0]["id"])

# Timelines, paged through the Link header.
first = coded.timeline_home(limit=1)
assert len(first) == 1 and str(first[0]["id"]) == str(thread["id"]), first
second = coded.fetch_next(first)
assert second and str(second[0]["id"]) == str(theirs[0]["id"]), second
seen["home_pages"] = [str(first[0]["id"]), str(second[0]["id"])]
group_statuses = coded.account_statuses(group["id"])
assert str(thread["id"]) in [str(s["id"]) for s in group_statuses]
public = coded.timeline_public(local=True)
assert str(thread["id"]) in [str(s["id"]) for s in public]

# No boosts here.
try:
    coded.status_reblog(thread["id"])
    raise AssertionError("a reblog was accepted")
except MastodonAPIError as e:
    seen["reblog"] = e.args[1]

# Deleting the reply takes it out of the context.
coded.status_delete(reply["id"])
left = coded.status_context(thread["id"])["descendants"]
assert [str(s["id"]) for s in left] == [str(answer["id"])], left

# Revoked, the token no longer works.
coded.revoke_access_token(allow_http=True)
try:
    coded.account_verify_credentials()
    raise AssertionError("a revoked token still worked")
except Exception as e:  # MastodonUnauthorizedError
    seen["after_revoke"] = type(e).__name__

print(json.dumps(seen))
