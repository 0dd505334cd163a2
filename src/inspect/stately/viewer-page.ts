/** Stately's inspector UI; only the viewing browser needs to reach it. */
export const STATELY_INSPECTOR_URL = "https://stately.ai/inspect";

/**
 * The page a person opens on the relay: Stately's inspector in an iframe, fed
 * with the relay's events by postMessage once the inspector says it is
 * listening (`@statelyai.connected`, the browser receiver's handshake).
 */
export function viewerPage(inspectorUrl: string = STATELY_INSPECTOR_URL): string {
  return `<!doctype html>
<html>
<head>
<meta charset="utf-8">
<title>swarmbus — Stately inspector</title>
<style>html, body { margin: 0; height: 100%; } iframe { border: 0; width: 100%; height: 100%; }</style>
</head>
<body>
<iframe id="stately" src="${inspectorUrl}"></iframe>
<script>
  const frame = document.getElementById("stately");
  const pending = [];
  let ready = false;
  const deliver = (data) => frame.contentWindow.postMessage(data, "*");
  window.addEventListener("message", (e) => {
    if (e.source !== frame.contentWindow || !e.data || e.data.type !== "@statelyai.connected") return;
    ready = true;
    pending.splice(0).forEach(deliver);
  });
  const socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/");
  socket.onmessage = (e) => {
    const data = JSON.parse(e.data);
    if (ready) deliver(data);
    else pending.push(data);
  };
</script>
</body>
</html>
`;
}
