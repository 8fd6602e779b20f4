// Back from a cancelled checkout: only the header to render.
import { drawFrame, requireAccount } from "./layout.js";

drawFrame();
requireAccount();
