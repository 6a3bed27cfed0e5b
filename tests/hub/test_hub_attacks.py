"""Ce que deux internes et un enseignant ont tenté sur le hub (issue 22), rejoué pour de vrai et qui doit échouer.

One real hub on 127.0.0.1 (configurable-http-proxy, bubblewrap, cgroups, Unix accounts) for the whole module:
interns ``alice`` and ``bob``, teacher ``prof``. The interns and the teacher act as they can: with code (Python, or a shell
from it) run in a kernel of their own JupyterLab, through the hub, under their account and in their sandbox.
The last test stops the hub and looks for any process left under their accounts.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import socket
import time
import uuid
from pathlib import Path

import pytest
import requests
from hubkit import (
    ASSIGNMENT,
    COURSE_ID,
    PASSWORD,
    Intern,
    free_base_port,
    hub_command,
    make_hub_folder,
    run_in_kernel,
    running_hub,
    shell_in_kernel,
    subnet,
)

from atelier_mg.hub import network

pytestmark = pytest.mark.slow
INTERNS = ["alice", "bob", "chloe"]  # chloe has not signed up yet


class Hub:
    def __init__(self, browser, tmp: Path) -> None:
        self.port = free_base_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.settings = make_hub_folder(tmp, INTERNS, ["prof"], self.port)
        self.settings.write_text(self.settings.read_text() + "[limites]\nprocessus = 128\n")
        self.course = self.settings.parent / "cours"
        self.data = self.settings.parent / "donnees"
        self.exchange = self.data / "echange"
        self.inbound = self.exchange / COURSE_ID / "inbound"
        self.browser = browser
        self.people: dict[str, Intern] = {}
        self.tokens: dict[str, str] = {}

    def person(self, name: str) -> Intern:
        """Signed up (with their code), logged in, their JupyterLab started, a hub API token for their kernel."""
        if name not in self.people:
            who = Intern(self.browser, self.base, name)
            assert "Mot de passe enregistré" in who.sign_up()
            who.log_in()
            who.open_lab()
            self.tokens[name] = who.token()
            self.people[name] = who
        return self.people[name]

    def shell(self, name: str, *scripts: str) -> list[int]:
        """Run each shell script as ``name`` would, from a kernel of their own server; their return codes."""
        self.person(name)
        return shell_in_kernel(self.base, name, self.tokens[name], *scripts)

    def run(self, name: str, code: str) -> str:
        """Run ``code`` in a kernel of ``name``'s own server (their sandbox, their account); returns stdout."""
        self.person(name)
        return run_in_kernel(self.base, name, self.tokens[name], code)


@pytest.fixture(scope="module")
def hub(browser, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("attaques")
    os.chmod(tmp, 0o700)  # like the CI's clone: a private folder
    h = Hub(browser, tmp)
    with running_hub(h.settings, h.port, tmp / "hub.log") as proc:
        h.proc = proc
        assert "publié" in hub_command(h.settings, "publier", ASSIGNMENT).stdout
        yield h
        for person in h.people.values():
            person.close()


def test_the_exchange_cannot_be_renamed_replaced_or_written_across_interns(hub):
    course = hub.exchange / COURSE_ID
    for path, mode in ((hub.exchange, 0o1777), (course, 0o2775), (course / "outbound", 0o2775),
                       (hub.inbound, 0o3753), (course / "feedback", 0o2771)):
        info = path.lstat()
        assert (info.st_uid, info.st_mode & 0o7777) == (0, mode), (path, oct(info.st_mode))
    released = course / "outbound" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    original = released.read_bytes()
    # The attack of the issue: rename the course's exchange, plant one's own in its place; and its variants.
    refused = hub.shell("alice",
                        f"mv '{course}' '{hub.exchange}/vole'",
                        f"mkdir -p '{hub.exchange}/vole/outbound' && mv '{hub.exchange}/vole' '{course}'",
                        f"mv '{course}/outbound' '{course}/vole'",
                        f"mkdir '{course}/outbound/piege'",
                        f"echo '{{}}' > '{released}'",
                        f"rm -rf '{course}/outbound/{ASSIGNMENT}'",
                        f"ls '{hub.inbound}'",
                        f"ls '{course}/feedback'",
                        f"mkdir '{course}/feedback/piege'",
                        f"chmod 777 '{course}'")
    assert all(code != 0 for code in refused), refused
    # What the exchange's root still lets an intern do (nbgrader wants it writable) harms no one: a folder of
    # their own, beside the course's.
    assert hub.shell("alice", f"mkdir '{hub.exchange}/autre-cours'") == [0]
    assert released.read_bytes() == original
    # bob's Assignments tab lists the teacher's notebook, fetched from the real exchange.
    hub.person("bob").assignments("fetch")
    fetched = hub.person("bob").notebook()
    def sources(cells):
        return ["".join(c["source"]) for c in cells]

    assert sources(fetched["cells"]) == sources(json.loads(original)["cells"])


def test_a_submission_belongs_to_the_account_that_made_it_and_dates_are_the_servers(hub):
    alice, bob = hub.person("alice"), hub.person("bob")
    nb = bob.notebook()
    nb["cells"][0]["source"] = "Rendu de bob, le vrai."
    bob.save(nb)
    assert bob.assignments("submit")["success"] is not False
    alice.assignments("fetch")
    # alice forges a submission in bob's name, dated later so that it would win, and a link in bob's name.
    forged = hub.inbound / f"bob+{ASSIGNMENT}+2030-01-01 00:00:00.000000 UTC+{uuid.uuid4().hex}"
    notebook = hub.data / "internes" / "alice" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    link = hub.inbound / f"bob+{ASSIGNMENT}+2031-01-01 00:00:00.000000 UTC+{uuid.uuid4().hex}"
    # alice also submits her own work, dated back to 2020 (to look on time), and a 200 Mo one.
    early = hub.inbound / f"alice+{ASSIGNMENT}+2020-01-01 00:00:00.000000 UTC+{uuid.uuid4().hex}"
    big = hub.inbound / f"alice+{ASSIGNMENT}+2019-01-01 00:00:00.000000 UTC+{uuid.uuid4().hex}"
    done = hub.shell("alice",
                     f"mkdir '{forged}' && cp '{notebook}' '{forged}/' && "
                     f"echo '2030-01-01 00:00:00.000000 UTC' > '{forged}/timestamp.txt'",
                     f"ln -s '{hub.data / 'notes'}' '{link}'",
                     f"mkdir '{early}' && cp '{notebook}' '{early}/' && "
                     f"echo '2020-01-01 00:00:00.000000 UTC' > '{early}/timestamp.txt' && "
                     f"touch -d 2020-01-01 '{early}/{ASSIGNMENT}.ipynb'",
                     f"mkdir '{big}' && truncate -s 200M '{big}/{ASSIGNMENT}.ipynb'")
    assert done == [0, 0, 0, 0], done
    before = time.time()

    out = hub_command(hub.settings, "correction", "importer-rendus", ASSIGNMENT, "--echange").stdout
    assert out.count("Rendu écarté") == 3, out
    assert "pas par l'interne nommé" in out and "lien symbolique" in out and "au-delà de la limite" in out
    submitted = json.loads((hub.course / "submitted" / "bob" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    assert "".join(submitted["cells"][0]["source"]) == "Rendu de bob, le vrai."
    for name in ("alice", "bob"):  # the server's date, not the one written by the intern
        stamp = (hub.course / "submitted" / name / ASSIGNMENT / "timestamp.txt").read_text()
        assert stamp.startswith(time.strftime("%Y-", time.gmtime(before))), stamp
        assert not stamp.startswith(("2020", "2030")), stamp
    aside = hub.exchange / COURSE_ID / "ecartes"
    assert len(list(aside.iterdir())) == 3, "rien n'est effacé"
    assert (aside.stat().st_uid, aside.stat().st_mode & 0o777) == (0, 0o700)
    assert hub.shell("alice", f"ls '{aside}'") != [0]


def test_nothing_a_teacher_writes_runs_as_root(hub):
    prof = pwd.getpwnam("prof")
    # The course's code and configuration are not the teachers' to write (nor anyone's but root's).
    for path in (hub.course, hub.course / "nbgrader_config.py"):
        assert path.stat().st_uid == 0 and path.stat().st_mode & 0o022 == 0, path
    # Teacher commands run under the teacher's account: what « publier » wrote is theirs.
    assert (hub.exchange / COURSE_ID / "outbound" / ASSIGNMENT).stat().st_uid == prof.pw_uid
    # A grading key is Python that « correction noter » runs outside the interns' sandbox (« preparation »), and
    # teachers write it (solutions/): the teacher edits it from their JupyterLab, the grading runs it as them.
    marker = hub.course / "solutions" / ASSIGNMENT / "qui-corrige.txt"
    line = f"  import os; open({str(marker)!r}, 'w').write(str(os.getuid()))\n"
    hub.run("prof", "import os\n"
                    f"p = os.path.expanduser('~/cours/solutions/{ASSIGNMENT}/cles.yaml')\n"
                    "text = open(p).read()\n"
                    f"open(p, 'w').write(text.replace('preparation: |\\n', 'preparation: |\\n' + {line!r}, 1))\n")
    # alice's submission tries, while it is graded, to reach the process that starts every kernel (the zygote):
    # the next interns' grading would then be hers to change.
    alice = hub.person("alice")
    nb = alice.notebook()
    nb["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": (
        "import ctypes, os\n"
        "z = os.getppid()\n"
        "for what, mode in (('mem', 'rb'), ('fd/1', 'w'), ('environ', 'rb')):\n"
        "    try:\n"
        "        open(f'/proc/{z}/{what}', mode).close(); print('zygote', what, 'ouvert')\n"
        "    except OSError:\n"
        "        print('zygote', what, 'refuse')\n"
        "print('ptrace', ctypes.CDLL(None).ptrace(16, z, 0, 0))\n"  # PTRACE_ATTACH: -1 when refused
        "print('uid', os.getuid())\n")})
    alice.save(nb)
    assert alice.assignments("submit")["success"] is not False
    hub_command(hub.settings, "correction", "importer-rendus", ASSIGNMENT, "--echange")
    assert "2 noté(s)" in hub_command(hub.settings, "correction", "noter", ASSIGNMENT).stdout
    assert marker.read_text() == str(prof.pw_uid), "la clé s'exécute sous le compte de l'enseignant, jamais root"
    graded = json.loads((hub.course / "autograded" / "alice" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    printed = "".join("".join(o.get("text", "")) for o in graded["cells"][-1]["outputs"])
    assert "zygote mem refuse" in printed and "zygote fd/1 refuse" in printed, printed
    assert "zygote environ refuse" in printed and "ptrace -1" in printed and "uid 0" not in printed, printed
    # In the teacher's JupyterLab, the course is read-only but for nbgrader's folders.
    out = hub.run("prof", "import os\n"
                          "c = os.path.expanduser('~/cours')\n"
                          "for p in ('nbgrader_config.py', 'piege.py', 'solutions/essai.txt'):\n"
                          "    try:\n"
                          "        open(os.path.join(c, p), 'a').close(); print(p, 'ecrit')\n"
                          "    except OSError:\n"
                          "        print(p, 'refuse')\n"
                          "print('uid', os.getuid())\n")
    assert "nbgrader_config.py refuse" in out and "piege.py refuse" in out and "solutions/essai.txt ecrit" in out
    assert f"uid {prof.pw_uid}" in out
    # The teacher's token does not administer the hub nor open interns' servers.
    headers = {"Authorization": f"token {hub.tokens['prof']}"}
    assert requests.get(f"{hub.base}/hub/api/users", headers=headers, timeout=30).status_code == 403
    assert requests.get(f"{hub.base}/hub/api/users/alice", headers=headers, timeout=30).status_code in (403, 404)
    hub.person("alice")
    r = requests.get(f"{hub.base}/user/alice/api/contents", headers=headers, timeout=30, allow_redirects=False)
    assert r.status_code in (302, 403), r.status_code


def test_an_account_cannot_be_claimed_nor_kept_locked_out(hub):
    from hubkit import CODES

    # Whoever knows chloe's identifier cannot claim her account; chloe, with her code, can.
    claimer = Intern(hub.browser, hub.base, "chloe")
    try:
        assert "Code d'inscription incorrect" in claimer.sign_up(code="")
        assert "Code d'inscription incorrect" in claimer.sign_up(code="AAAA-BBBB-CCCC")
        assert "Code d'inscription incorrect" in claimer.sign_up(code=CODES["bob"])
        assert "Mot de passe enregistré" in claimer.sign_up(code=CODES["chloe"].lower().replace("-", " "))
    finally:
        claimer.close()
    # The codes are stored hashed, root only; the mail-merge file too.
    state = hub.data / "hub"
    stored = (state / "codes-inscription.json").read_text()
    assert CODES["chloe"] not in stored and CODES["chloe"].replace("-", "") not in stored
    # Five failures from one address block that address, in French; alice, elsewhere, still logs in.
    hub.person("alice")
    # The hub itself, not through the proxy: X-Forwarded-For stands for another client.
    direct = f"http://{network.host_address(subnet(hub.port))}:{hub.port + 1}"
    attacker = Intern(hub.browser, direct, "alice")
    attacker.context.set_extra_http_headers({"X-Forwarded-For": "203.0.113.66"})
    try:
        for _ in range(6):
            attacker.log_in("pas-le-bon")
        assert "Trop d'essais" in attacker.page.locator(".login_error").inner_text()
        attacker.log_in(PASSWORD)  # even the right password, from there, for a minute
        assert "Trop d'essais" in attacker.page.locator(".login_error").inner_text()
    finally:
        attacker.close()
    elsewhere = Intern(hub.browser, hub.base, "alice")
    try:
        elsewhere.log_in()
        elsewhere.page.wait_for_url(lambda url: "/hub/login" not in url, timeout=30_000)
    finally:
        elsewhere.close()
    # Behind one address (the faculty's NAT): bob, there too, tries in alice's name. Her browser, where she has
    # logged in before, still logs her in; a browser that never did is blocked for the minute.
    nat = {"X-Forwarded-For": "198.51.100.7"}
    people = {who: Intern(hub.browser, direct, "alice") for who in ("alice", "bob", "nouveau")}
    try:
        for person in people.values():
            person.context.set_extra_http_headers(nat)
        people["alice"].log_in()
        people["alice"].page.wait_for_url(lambda url: "/hub/login" not in url, timeout=30_000)
        for _ in range(6):
            people["bob"].log_in("pas-le-bon")
        assert "Trop d'essais" in people["bob"].page.locator(".login_error").inner_text()
        people["nouveau"].log_in()
        assert "Trop d'essais" in people["nouveau"].page.locator(".login_error").inner_text()
        people["alice"].context.clear_cookies(name=re.compile("^jupyterhub"))  # logged out, her device kept
        people["alice"].log_in()
        people["alice"].page.wait_for_url(lambda url: "/hub/login" not in url, timeout=30_000)
    finally:
        for person in people.values():
            person.close()


def test_an_interns_code_reaches_the_hub_and_nothing_else(hub):
    probe = ("import socket\n"
             "def tries(host, port):\n"
             "    try:\n"
             "        socket.create_connection((host, port), timeout=3).close()\n"
             "        return 'ouvert'\n"
             "    except OSError:\n"
             "        return 'ferme'\n")
    bob_url = hub.run("bob", "import os\nprint(os.environ['JUPYTERHUB_SERVICE_URL'])").strip()
    bob_host, bob_port = bob_url.split("//")[1].split("/")[0].split(":")
    hub_api = network.host_address(subnet(hub.port))
    with socket.socket() as service:  # a service of the machine on its loopback (a PostgreSQL trusting local users)
        service.bind(("127.0.0.1", 0))
        service.listen()
        local = service.getsockname()[1]
        out = hub.run("alice", probe + f"print(tries('127.0.0.1', {local}), tries('127.0.0.1', {hub.port}), "
                                       f"tries('{bob_host}', {bob_port}), tries('192.0.2.1', 80), "
                                       f"tries('{hub_api}', {hub.port + 1}))")
    assert out.split() == ["ferme", "ferme", "ferme", "ferme", "ouvert"], out
    # bob's own server is up and reachable through the proxy all along.
    assert requests.get(bob_url.replace(f"http://{bob_host}:{bob_port}", hub.base) + "api/status",
                        headers={"Authorization": f"token {hub.tokens['bob']}"}, timeout=30).ok


def test_an_interns_code_sees_only_their_own_processes_and_cannot_reach_anothers_kernel(hub):
    # The attack of the issue: subscribe to bob's kernel's IOPub port on 127.0.0.1 (no key needed to listen).
    out = hub.run("bob", "import json, ipykernel.connect\n"
                         "info = ipykernel.connect.get_connection_info(unpack=True)\n"
                         "print(info['transport'], info['ip'], info['iopub_port'], info['shell_port'])\n")
    transport, where, iopub, shell = out.split()
    assert (transport, where) == ("tcp", "127.0.0.1"), out
    probe = ("import socket\n"
             "def tries(port):\n"
             "    try:\n"
             "        socket.create_connection(('127.0.0.1', port), timeout=3).close()\n"
             "        return 'ouvert'\n"
             "    except OSError:\n"
             "        return 'ferme'\n")
    assert hub.run("alice", probe + f"print(tries({iopub}), tries({shell}))").split() == ["ferme", "ferme"]
    seen = hub.run("alice", "import json, os\n"
                            "pids = [p for p in os.listdir('/proc') if p.isdigit()]\n"
                            "uids = {int(open(f'/proc/{p}/status').read().split('Uid:')[1].split()[0]) for p in pids}\n"
                            "cmds = ' '.join(open(f'/proc/{p}/cmdline').read() for p in pids)\n"
                            "print(json.dumps([len(pids), sorted(uids), 'bob' in cmds, 'prof' in cmds]))\n")
    count, uids, bob_seen, prof_seen = json.loads(seen)
    assert set(uids) <= {0, pwd.getpwnam("alice").pw_uid}, seen  # bwrap's init inside her namespace, then alice
    assert count < 20 and not bob_seen and not prof_seen, seen


def test_limits_processes_and_the_hubs_own_files(hub):
    out = hub.run("alice", "import subprocess\n"
                           "procs = []\n"
                           "try:\n"
                           "    for _ in range(400):\n"
                           "        procs.append(subprocess.Popen(['sleep', '60']))\n"
                           "except OSError as exc:\n"
                           "    print('refuse', type(exc).__name__)\n"
                           "print('lances', len(procs))\n"
                           "for p in procs:\n"
                           "    p.kill(); p.wait()\n")
    started = int(out.split("lances")[1])
    assert "refuse" in out and started < 128, out
    state = hub.data / "hub"
    for name in ("jupyterhub.sqlite", "jupyterhub_cookie_secret", "codes-inscription.json"):
        assert (state / name).stat().st_mode & 0o777 == 0o600, name
    for export in state.glob("codes-inscription-*.csv"):
        assert export.stat().st_mode & 0o777 == 0o600
    assert hub.shell("alice", f"cat '{state / 'jupyterhub.sqlite'}'") != [0]


def test_a_refused_page_is_explained_in_french(hub):
    # JupyterHub's own refusal (here an intern on the admin page; for LTI, « User missing or null ») is in English:
    # the hub's error page says it in French and keeps the original message as a technical detail.
    page = hub.person("alice").page
    response = page.goto(f"{hub.base}/hub/admin")
    assert response.status == 403
    text = page.locator(".error").inner_text()
    assert "Accès refusé" in text and "promotion" in text and "Détail technique" in text
    assert "403 :" not in text


def test_stopping_the_hub_stops_every_server(hub):
    hub.person("bob")
    uids = {pwd.getpwnam(n).pw_uid for n in (*INTERNS, "prof")}

    def theirs() -> list[int]:
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                if os.stat(f"/proc/{pid}").st_uid in uids:
                    found.append(int(pid))
            except FileNotFoundError:
                continue
        return found

    assert theirs(), "les serveurs tournent"
    hub.proc.terminate()
    hub.proc.wait(60)
    deadline = time.monotonic() + 30
    while theirs() and time.monotonic() < deadline:
        time.sleep(1)
    assert not theirs(), "aucun processus d'interne ne survit au hub"
