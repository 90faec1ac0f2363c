#!/usr/bin/python3
# STAND-IN for a Classic Load Balancer's health checks (no Alibaba Cloud here): every INTERVAL
# seconds it GETs http://<backend>:<PORT><PATH> with TIMEOUT; HEALTHY successes in a row mark a
# backend healthy, UNHEALTHY failures in a row unhealthy (only 2xx is a success, as HttpCode
# http_2xx). On every change it rewrites the nginx upstream's server list (unhealthy servers
# `down`) and reloads the stand-in balancer's nginx, and waits until only workers started by the
# reload are left (nginx -s reload only signals the master). Transitions go to LOG as
# `<ms> <backend> healthy|unhealthy <status>` once the balancer acts on them, so a reader who sees
# the line knows the traffic already follows it.
# Usage: clb-health-checker.py CONFIG.json   ({"backends": ["10.16.1.2:5000", ...], "port": 8008,
#   "path": "/healthz", "interval": 5, "timeout": 5, "healthy": 2, "unhealthy": 3,
#   "servers": "<servers.conf>", "log": "<log>", "reload": ["nginx", "-s", "reload", ...],
#   "pidFile": "<nginx.pid>"})
import json, os, subprocess, sys, time, urllib.error, urllib.request

cfg = json.load(open(sys.argv[1]))
backends = cfg['backends']
state = {b: False for b in backends}          # every backend starts unhealthy, as on a new CLB
streak = {b: 0 for b in backends}             # >0: successes in a row, <0: failures in a row

def write_servers():
    with open(cfg['servers'] + '.tmp', 'w') as f:
        for b in backends:
            f.write('server %s%s;\n' % (b, '' if state[b] else ' down'))
    os.replace(cfg['servers'] + '.tmp', cfg['servers'])

def log(line):
    with open(cfg['log'], 'a') as f:
        f.write('%d %s\n' % (int(time.time() * 1000), line))

def workers():
    # The nginx master's children (its worker processes), from /proc.
    try:
        master = open(cfg['pidFile']).read().strip()
    except OSError:
        return set()
    found = set()
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                stat = open('/proc/%s/stat' % entry).read()
            except OSError:
                continue
            if stat[stat.rindex(')') + 2:].split()[1] == master:
                found.add(entry)
    return found

def reload_and_wait():
    old = workers()
    subprocess.call(cfg['reload'])
    deadline = time.time() + 10
    while time.time() < deadline:
        now = workers()
        if now and not (now & old):
            return
        time.sleep(0.05)
    log('reload not applied within 10 s (workers before %s, now %s)' % (sorted(old), sorted(workers())))

def probe(backend):
    host = backend.rsplit(':', 1)[0]
    url = 'http://%s:%d%s' % (host, cfg['port'], cfg['path'])
    try:
        with urllib.request.urlopen(url, timeout=cfg['timeout']) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except Exception:
        return 0

write_servers()
log('started %s' % ' '.join(backends))
while True:
    changed = []
    for b in backends:
        status = probe(b)
        ok = 200 <= status < 300
        streak[b] = (max(streak[b], 0) + 1) if ok else (min(streak[b], 0) - 1)
        if ok and not state[b] and streak[b] >= cfg['healthy']:
            state[b] = True
            changed.append('%s healthy %d' % (b, status))
        elif not ok and state[b] and -streak[b] >= cfg['unhealthy']:
            state[b] = False
            changed.append('%s unhealthy %d' % (b, status))
    if changed:
        write_servers()
        reload_and_wait()
        for line in changed:
            log(line)
    time.sleep(cfg['interval'])
