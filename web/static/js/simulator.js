// The phone simulator: a keypad that dials USSD codes and a thread that sends SMS, through
// the page's same-origin JSON routes (they post to the real channel endpoints).
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const display = $("display"), dialled = $("dialled"), reply = $("reply"), msisdn = $("msisdn");
  let buffer = "", session = null, inputs = [];

  function show(text) { display.textContent = text; }
  function setDialled(text) { buffer = text; dialled.textContent = text; }
  function tick() { $("clock-face").textContent = new Date().toTimeString().slice(0, 5); }
  tick(); setInterval(tick, 30000);

  async function post(url, body) {
    const response = await fetch(url, {method: "POST", headers: {"Content-Type": "application/json"},
                                       body: JSON.stringify(body)});
    if (!response.ok) { throw new Error("HTTP " + response.status); }
    return response.json();
  }

  async function hop(text) {
    show("USSD code running…");
    try {
      const answer = await post("simulator/ussd", {msisdn: msisdn.value, sessionId: session || "", text: text});
      session = answer.ended ? null : answer.sessionId;
      show(answer.reply);
      reply.hidden = answer.ended;
      if (!answer.ended) { reply.value = ""; reply.focus(); } else { inputs = []; }
    } catch (error) {
      show("Connection problem or invalid MMI code.\n" + error.message);
      session = null; inputs = []; reply.hidden = true;
    }
  }

  function dial() {
    if (session && !reply.hidden) { answer(); return; }
    const code = buffer.trim();
    const match = /^\*(\d+)((?:\*[^*#]+)*)#$/.exec(code);
    if (!match) { show("Dial a USSD code, e.g. *123#"); return; }
    inputs = match[2] ? match[2].slice(1).split("*") : [];
    session = null;
    setDialled("");
    hop(inputs.join("*"));
  }

  function answer() {
    const value = (reply.value || buffer).trim();
    if (!value) { return; }
    inputs.push(value);
    setDialled("");
    hop(inputs.join("*"));
  }

  function hang() {
    session = null; inputs = []; reply.hidden = true; setDialled(""); show("Ready");
  }

  $("keypad").addEventListener("click", (event) => {
    const key = event.target.closest("[data-key]");
    if (!key) { return; }
    if (session && !reply.hidden) { reply.value += key.dataset.key; } else { setDialled(buffer + key.dataset.key); }
  });
  $("call").addEventListener("click", dial);
  $("hang").addEventListener("click", hang);
  $("clear").addEventListener("click", () => {
    if (session && !reply.hidden) { reply.value = reply.value.slice(0, -1); } else { setDialled(buffer.slice(0, -1)); }
  });
  reply.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); answer(); } });
  msisdn.addEventListener("change", () => { hang(); $("thread").replaceChildren(); });

  function bubble(text, kind) {
    const item = document.createElement("li");
    item.className = kind;
    item.textContent = text;
    $("thread").append(item);
    item.scrollIntoView({block: "end"});
  }

  $("sms-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const field = $("sms-text"), text = field.value.trim();
    if (!text) { return; }
    field.value = "";
    bubble(text, "out");
    try {
      const answer = await post("simulator/sms", {msisdn: msisdn.value, text: text});
      if (answer.reply) { bubble(answer.reply, "in"); }
    } catch (error) {
      bubble("Not delivered: " + error.message, "in");
    }
  });
})();
