// The page for an address the site does not have: the frame and its words, nothing else.
import { drawFrame } from "./layout.js";

drawFrame({ account: false, footer: false });
