import subprocess
import sys
import unittest


class TestEnvironment(unittest.TestCase):
    """What production needs of the Python environment, beyond importing Odoo."""

    def test_longpolling_process_starts(self):
        """Odoo's prefork server (``--workers``) runs its bus and websockets in
        a gevent process, which patches the standard library at start: that
        must succeed, or the server starts the process again forever."""
        result = subprocess.run(
            [sys.executable, "-c", "from gevent import monkey; monkey.patch_all()"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
