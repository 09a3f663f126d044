# SPDX-License-Identifier: MIT
"""Shared pieces of the verification scripts in tests/verify/: TAP output,
the normalized dual activations (written independently of ntkmc's C code),
and error measures.  NumPy is imported where it is used, so a script can
still report "1..0 # SKIP" on a machine without it."""
import traceback


class Tap:
    def __init__(self, planned):
        self.planned = planned
        self.n = 0
        self.failed = 0
        print("1..%d" % planned, flush=True)

    @staticmethod
    def diag(text):
        for line in str(text).splitlines() or [""]:
            print("# " + line if line else "#", flush=True)

    def result(self, ok, desc, diags=(), skip=None):
        self.n += 1
        for d in diags:
            self.diag(d)
        desc = desc.replace("#", "")
        if skip is not None:
            print("ok %d - %s # SKIP %s" % (self.n, desc, skip), flush=True)
            return
        if not ok:
            self.failed += 1
        print("%s %d - %s" % ("ok" if ok else "not ok", self.n, desc), flush=True)

    def run(self, desc, func):
        """func() -> (ok, [diag lines]) or (None, [diag], skip_reason)."""
        try:
            res = func()
        except Exception:  # noqa: BLE001 - reported as a TAP failure
            self.result(False, desc, ["exception:"]
                        + traceback.format_exc(limit=-2).splitlines())
            return
        if len(res) == 3:
            self.result(True, desc, res[1], skip=res[2])
        else:
            self.result(bool(res[0]), desc, res[1])


def dual(slope, xi):
    """Normalized dual c^2 E[phi(u)phi(v)], phi = a x + b |x| (LeakyReLU).

    E[uv] = xi, E[|u||v|] = (2/pi)(sqrt(1-xi^2) + xi asin xi), E[u|v|] = 0,
    c^2 = 1 / (a^2 + b^2).  (The asin form, written independently of the
    reference's acos form.)
    """
    import numpy as np
    xi = np.clip(xi, -1.0, 1.0)
    a, b = 0.5 * (1 + slope), 0.5 * (1 - slope)
    e_abs = (2 / np.pi) * (np.sqrt(1 - xi * xi) + xi * np.arcsin(xi))
    return (a * a * xi + b * b * e_abs) / (a * a + b * b)


def dual_deriv(slope, xi):
    """c^2 E[phi'(u)phi'(v)], E[sign u sign v] = (2/pi) asin xi."""
    import numpy as np
    xi = np.clip(xi, -1.0, 1.0)
    a, b = 0.5 * (1 + slope), 0.5 * (1 - slope)
    return (a * a + b * b * (2 / np.pi) * np.arcsin(xi)) / (a * a + b * b)


def rel(a, b):
    import numpy as np
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def slope_loglog(ws, es):
    import numpy as np
    return float(np.polyfit(np.log(ws), np.log(es), 1)[0])
