// The report's pick page: "按我的位置查找" asks the browser for the position (only on that
// press) and lists the units in scope nearest to it (hazards:report_nearby), each a link
// that reports a hazard of it.
(function () {
  "use strict";
  var card = document.getElementById("nearby");
  if (!card) { return; }
  var button = document.getElementById("nearby-find");
  var status = document.getElementById("nearby-status");
  var list = document.getElementById("nearby-list");
  card.hidden = false;

  function distance(metres) {
    return metres < 1000 ? metres + " 米" : (metres / 1000).toFixed(1) + " 公里";
  }

  function show(units) {
    list.replaceChildren();
    units.forEach(function (unit) {
      var link = document.createElement("a");
      link.className = "list-group-item list-group-item-action d-flex justify-content-between gap-2";
      link.href = unit.url;
      var name = document.createElement("span");
      name.textContent = unit.name;
      if (unit.kind === "place") {
        var badge = document.createElement("span");
        badge.className = "badge bg-azure-lt ms-1";
        badge.textContent = "公共区域";
        name.appendChild(badge);
      }
      var address = document.createElement("span");
      address.className = "d-block text-secondary small";
      address.textContent = unit.address;
      name.appendChild(address);
      var away = document.createElement("span");
      away.className = "text-secondary small text-nowrap";
      away.textContent = distance(unit.distance_m);
      link.append(name, away);
      list.appendChild(link);
    });
  }

  function load(position) {
    var url = card.getAttribute("data-url") +
      "?lat=" + position.coords.latitude.toFixed(6) + "&lon=" + position.coords.longitude.toFixed(6);
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        show(data.units);
        status.textContent = data.units.length
          ? "离您最近的 " + data.units.length + " 处单位和公共区域（定位精度约 " + Math.round(position.coords.accuracy) + " 米）："
          : "附近 30 公里内没有您管辖范围内标注了位置的单位或公共区域，请用上方搜索查找。";
      });
  }

  button.addEventListener("click", function () {
    if (!navigator.geolocation || !window.isSecureContext) {
      status.textContent = "此浏览器无法获取位置（平台需通过 HTTPS 访问），请用上方搜索查找单位。";
      return;
    }
    button.disabled = true;
    status.textContent = "正在获取位置…";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        load(position)
          .catch(function (error) { status.textContent = "查找失败：" + error.message; })
          .finally(function () { button.disabled = false; });
      },
      function (error) {
        status.textContent = error.code === error.PERMISSION_DENIED
          ? "未获准使用位置：请在浏览器中允许本平台使用位置，或用上方搜索查找单位。"
          : "无法获取位置（" + error.message + "），请稍后再试或用上方搜索查找单位。";
        button.disabled = false;
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  });
})();
