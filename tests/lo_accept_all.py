"""LibreOffice's Edit › Track Changes › Accept All on a .docx, saved as UTF-8 text; run with the
Python that has LibreOffice's ``uno`` module (``/usr/bin/python3 lo_accept_all.py in.docx out.txt``)."""

import os
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException


def _prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main(source: str, target: str, accept: bool) -> None:
    name = f"jixiao_{os.getpid()}"
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    office = subprocess.Popen(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                               f"--accept=pipe,name={name};urp;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(240):
            try:
                ctx = resolver.resolve(f"uno:pipe,name={name};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                time.sleep(0.5)
        else:
            raise SystemExit("LibreOffice did not start")
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(source)), "_blank", 0,
                                           (_prop("Hidden", True),))
        if accept:
            helper = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
            helper.executeDispatch(doc.getCurrentController().getFrame(), ".uno:AcceptAllTrackedChanges", "", 0, ())
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(target)),
                       (_prop("FilterName", "Text (encoded)"), _prop("FilterOptions", "UTF8")))
        doc.close(True)
        try:
            desktop.terminate()
        except Exception:  # the bridge goes away with the office
            pass
    finally:
        try:
            office.wait(timeout=60)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:] != ["--as-is"])
