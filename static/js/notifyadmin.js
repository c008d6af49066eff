// Progressive enhancement only: every journey works without JavaScript.
import { initAll } from "../nhsuk/nhsuk-frontend.min.js";

initAll();
