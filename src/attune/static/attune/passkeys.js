// Passkeys: adding one (account settings), signing in with one alone, and using one as the second step or to
// confirm it is you. Each box on a page says what it does in data attributes: data-passkey ("register",
// "sign-in" or "confirm"), data-options (where to ask for a challenge), data-url (where to send the answer) and
// data-next (where to go after). The server keeps the challenge; this script only carries it to the browser's
// passkey prompt and the answer back. A static file, so it runs under the page's strict CSP.
"use strict";

(function passkeys() {
  const boxes = document.querySelectorAll("[data-passkey]");
  if (!boxes.length) return;
  const supported = Boolean(window.PublicKeyCredential && navigator.credentials && window.isSecureContext);
  const token = document.querySelector('meta[name="csrf-token"]');

  function fromB64url(value) {
    const raw = value.replace(/-/g, "+").replace(/_/g, "/");
    const bytes = atob(raw + "===".slice((raw.length + 3) % 4));
    return Uint8Array.from(bytes, function (c) { return c.charCodeAt(0); }).buffer;
  }

  function toB64url(buffer) {
    const bytes = new Uint8Array(buffer);
    let text = "";
    for (let i = 0; i < bytes.length; i += 1) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.content : "" },
      body: JSON.stringify(body || {}),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          const error = new Error(data.detail || "status " + response.status);
          error.server = data;
          throw error;
        }
        return data;
      });
    });
  }

  function creationOptions(json) {
    const options = Object.assign({}, json);
    options.challenge = fromB64url(json.challenge);
    options.user = Object.assign({}, json.user, { id: fromB64url(json.user.id) });
    options.excludeCredentials = (json.excludeCredentials || []).map(function (c) {
      return Object.assign({}, c, { id: fromB64url(c.id) });
    });
    return options;
  }

  function requestOptions(json) {
    const options = Object.assign({}, json);
    options.challenge = fromB64url(json.challenge);
    options.allowCredentials = (json.allowCredentials || []).map(function (c) {
      return Object.assign({}, c, { id: fromB64url(c.id) });
    });
    return options;
  }

  function registrationJSON(credential) {
    const response = credential.response;
    return {
      id: credential.id, rawId: toB64url(credential.rawId), type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: {
        clientDataJSON: toB64url(response.clientDataJSON),
        attestationObject: toB64url(response.attestationObject),
        transports: typeof response.getTransports === "function" ? response.getTransports() : [],
      },
    };
  }

  function authenticationJSON(credential) {
    const response = credential.response;
    return {
      id: credential.id, rawId: toB64url(credential.rawId), type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: {
        clientDataJSON: toB64url(response.clientDataJSON),
        authenticatorData: toB64url(response.authenticatorData),
        signature: toB64url(response.signature),
        userHandle: response.userHandle ? toB64url(response.userHandle) : undefined,
      },
    };
  }

  function ceremony(box, extra) {
    const kind = box.dataset.passkey;
    return post(box.dataset.options).then(function (json) {
      if (kind === "register") {
        return navigator.credentials.create({ publicKey: creationOptions(json) }).then(registrationJSON);
      }
      return navigator.credentials.get({ publicKey: requestOptions(json) }).then(authenticationJSON);
    }).then(function (credential) {
      return post(box.dataset.url, Object.assign({ credential: credential, next: box.dataset.next || "" }, extra));
    });
  }

  function failureWords(kind, error) {
    // The person closed the prompt, or the device said no: not an error worth alarming anyone about.
    if (error && (error.name === "NotAllowedError" || error.name === "AbortError")) {
      return "No passkey was used. You can try again when you are ready.";
    }
    if (error && error.name === "InvalidStateError" && kind === "register") {
      return "This device already has a passkey for your account.";
    }
    if (error && error.server && error.server.detail) return error.server.detail;
    return kind === "register"
      ? "The passkey could not be added. Please try again."
      : "That passkey could not be used. Please try again, or sign in another way.";
  }

  boxes.forEach(function (box) {
    const status = box.querySelector(".passkey-status");
    const button = box.querySelector("button");
    function say(text) { if (status) status.textContent = text; }
    if (!supported) {
      if (box.dataset.passkey === "register") {
        say(box.dataset.unsupported || "");
        if (button) button.disabled = true;
      }
      return;  // sign-in and confirm boxes stay hidden: the other ways are on the page
    }
    box.hidden = false;
    function start(event) {
      if (event) event.preventDefault();
      const name = box.querySelector('input[name="name"]');
      button.disabled = true;
      say(box.dataset.passkey === "register" ? "Follow your device’s prompt to create the passkey…" : "Follow your device’s prompt…");
      ceremony(box, name ? { name: name.value } : {}).then(function (answer) {
        say("Done.");
        window.location.assign(answer.next || "/");
      }).catch(function (error) {
        if (error && error.server && error.server.next) {
          window.location.assign(error.server.next);
          return;
        }
        button.disabled = false;
        say(failureWords(box.dataset.passkey, error));
      });
    }
    if (box.tagName === "FORM") box.addEventListener("submit", start);
    else button.addEventListener("click", start);
  });
})();
