// Attune's own script. No inline scripts anywhere: the Content-Security-Policy forbids them.
"use strict";
