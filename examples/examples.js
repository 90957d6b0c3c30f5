// Shows each example's own markup in the listing beside it, so the two can never disagree.
// <loupe-view> has already added its iframe by now: that is left out.
for (const example of document.querySelectorAll(".example")) {
  const live = example.querySelector(".live").cloneNode(true);
  for (const view of live.querySelectorAll("loupe-view")) {
    view.replaceChildren();
  }
  example.querySelector(".source code").textContent = live.innerHTML.trim();
}
