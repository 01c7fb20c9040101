// 现场检查 pages other than the form: the phone's position into forms marked data-geolocate
// (开始检查, 到达登记) when the user allows it, and on the list the service worker, asked to
// keep the open inspections for offline use. Without this script the forms post without
// a position.
(function () {
  "use strict";

  function locate(form) {
    if (!navigator.geolocation) { return; }
    var status = form.querySelector("[data-position-status]");
    navigator.geolocation.getCurrentPosition(function (position) {
      var latitude = form.querySelector("input[name=latitude]");
      var longitude = form.querySelector("input[name=longitude]");
      if (latitude && longitude) {
        latitude.value = position.coords.latitude.toFixed(6);
        longitude.value = position.coords.longitude.toFixed(6);
      }
      if (status) {
        status.textContent = "已获取位置：" + position.coords.latitude.toFixed(5) + ", " +
          position.coords.longitude.toFixed(5) + "（精度约 " + Math.round(position.coords.accuracy) + " 米）";
      }
    }, function () {
      if (status) { status.textContent = "未获取到位置（浏览器未允许或无信号），将不记录位置。"; }
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  document.querySelectorAll("form[data-geolocate]").forEach(locate);

  var list = document.getElementById("onsite-list");
  if (list && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(list.dataset.sw, { scope: list.dataset.scope }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var urls = [window.location.pathname];
      list.querySelectorAll("#open-inspections [data-inspection] a[href]").forEach(function (link) {
        urls.push(link.getAttribute("href"));
      });
      registration.active.postMessage({ type: "cache", urls: urls, bundles: true });
    }).catch(function () { /* no offline copy: the page works online as before */ });
  }
})();
