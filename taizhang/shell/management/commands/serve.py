import os

from django.conf import settings
from gunicorn.app.base import BaseApplication

from taizhang.config.wsgi import application
from taizhang.core.management.base import TaizhangCommand


class _Server(BaseApplication):
    def __init__(self, options):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return application


def control_socket_path(host: str, port: int):
    run = settings.HOME / "run"
    run.mkdir(mode=0o700, exist_ok=True)
    return run / f"gunicorn-{host.replace(':', '_')}-{port}.ctl"


class Command(TaizhangCommand):
    help = "启动生产 Web 服务（gunicorn）"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("TAIZHANG_WORKERS", "2"))
        )

    def handle(self, *args, host, port, workers, **options):
        self.stdout.write(f"台账服务：http://{host}:{port}/ （{workers} 个进程）")
        _Server(
            {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": 4,
                # Behind a proxy each request may reach either worker: a kept-alive
                # connection pins its client to one process (and one core, by the GIL).
                "keepalive": 0,
                "accesslog": os.environ.get("TAIZHANG_ACCESS_LOG", "-"),
                "timeout": 120,
                # gunicorn's control socket defaults to one path per user
                # (~/.gunicorn/gunicorn.ctl): a second server would take it over and
                # stopping either would remove it. One per address, under TAIZHANG_HOME.
                "control_socket": str(control_socket_path(host, port)),
            }
        ).run()
