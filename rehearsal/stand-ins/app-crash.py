# STAND-IN for an app that crashes while it loads (a missing module, an out-of-memory error): it prints
# a progress line, then a Python traceback ending in a distinctive error line, and exits 1.
# When /run/rehearsal-app-leak exists, the error line carries a secret-looking token and a password.
import os, sys, time

print('loading the model (stand-in)', flush=True)
time.sleep(0.2)
print('Traceback (most recent call last):', file=sys.stderr, flush=True)
print('  File "app.py", line 3, in <module>', file=sys.stderr, flush=True)
if os.path.exists('/run/rehearsal-app-leak'):
    print('RuntimeError: hub login failed for token hf_Re4rsalT0kenAbCdEf1234567890XyZ with password=Rehearsal-Leak-42',
          file=sys.stderr, flush=True)
else:
    print("ModuleNotFoundError: No module named 'rehearsal_missing_module_42'", file=sys.stderr, flush=True)
sys.exit(1)
