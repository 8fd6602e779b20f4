// TEMPORARY BRIDGE, to be deleted: create.html and cartoon.html still run six classic scripts
// (create.js, draft.js, library.js; cartoon.js, cast.js, redraw.js) that read shared helpers as
// globals. This module draws the page's frame and hands those scripts the names they use, on
// window. It is loaded as <script type="module"> BEFORE their classic `defer` scripts: module
// and defer scripts run in document order once the page is parsed, so the names exist when the
// classic scripts run. Once each of the six imports what it needs (docs/architecture.md), the
// two pages load their own module and this file goes (tests/site/test_structure.py lists it).
import { Api } from "./api.js";
import { $, el, message, show } from "./dom.js";
import { I18n } from "./i18n.js";
import { drawFrame, renderHeader, requireAccount } from "./layout.js";
import { Share } from "./share.js";

drawFrame();
Object.assign(window, { Api, I18n, $, el, message, show, renderHeader, requireAccount, Share });
