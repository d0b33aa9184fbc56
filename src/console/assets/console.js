// Hatchery console: the time controls. Moving the known-at slider or changing a control shows the
// page as of the new point; empty fields are left out of the URL, so a link names only the point.
// Everything works without this script too (the form's button submits it).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form.point");
  if (!form) return;
  var slider = document.getElementById("seq-slider");
  var seq = document.getElementById("as-of-seq");
  var time = document.getElementById("as-of-time");
  var date = document.getElementById("effective-on");
  function submit() {
    form.querySelectorAll("input").forEach(function (input) {
      if (input.value === "" || input === slider) input.disabled = true;
    });
    form.submit();
  }
  if (slider && seq) {
    slider.addEventListener("input", function () { seq.value = slider.value; });
    slider.addEventListener("change", function () {
      if (time) time.value = "";
      submit();
    });
  }
  if (seq) seq.addEventListener("change", function () { if (time) time.value = ""; submit(); });
  if (time) time.addEventListener("change", function () { if (seq) seq.value = ""; submit(); });
  if (date) date.addEventListener("change", submit);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    submit();
  });
});
