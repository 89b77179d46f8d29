// "/": sends a logged-in person to the page of their role; a paired tablet to its till.
import { Api, ApiError, NetworkError, homeFor } from "./api.js";

const status = document.getElementById("home-status");

async function main() {
  const api = new Api();
  try {
    const user = await api.refresh();
    location.replace(homeFor(user));
  } catch (error) {
    if (error instanceof NetworkError) {
      // Offline: the till is the page that works without the network.
      location.replace("/caisse");
    } else if (error instanceof ApiError && error.status === 401) {
      try {
        await api.get("/devices/current", { auth: false });
        location.replace("/caisse");
      } catch {
        location.replace("/connexion");
      }
    } else {
      status.textContent = error.message;
    }
  }
}

if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
main();
