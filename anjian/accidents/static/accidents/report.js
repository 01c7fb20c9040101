// The quick report's "使用我的位置": asks the browser for the position (only on that press)
// and fills in the latitude and longitude fields. Without geolocation (or over plain http)
// the button stays hidden and the fields are typed or left empty.
(function () {
  "use strict";
  var button = document.getElementById("use-position");
  var status = document.getElementById("position-status");
  var latitude = document.getElementById("id_latitude");
  var longitude = document.getElementById("id_longitude");
  if (!button || !latitude || !longitude || !navigator.geolocation || !window.isSecureContext) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    status.textContent = "正在定位…";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        latitude.value = position.coords.latitude.toFixed(6);
        longitude.value = position.coords.longitude.toFixed(6);
        status.textContent = "已填入当前位置（精度约 " + Math.round(position.coords.accuracy) + " 米）";
        button.disabled = false;
      },
      function (error) {
        status.textContent = error.code === 1
          ? "未获得定位授权，可手工填写经纬度或留空"
          : "定位失败，可手工填写经纬度或留空";
        button.disabled = false;
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  });
})();
