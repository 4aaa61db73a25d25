/* Relais ASE console: the only script. Drop a file on the import form, and send large files
   straight to S3 with a real progress bar. Without it the form posts the file (up to 4 MB). */
(function () {
  "use strict";
  var form = document.getElementById("import-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var input = document.getElementById("fichier");
  var zone = document.getElementById("dropzone");
  var box = document.getElementById("progression");
  var bar = document.getElementById("barre");
  var text = document.getElementById("progression-texte");
  var csrf = form.querySelector("input[name=csrf]").value;

  zone.addEventListener("dragover", function (event) { event.preventDefault(); zone.classList.add("is-over"); });
  zone.addEventListener("dragleave", function () { zone.classList.remove("is-over"); });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    zone.classList.remove("is-over");
    if (event.dataTransfer.files.length) { input.files = event.dataTransfer.files; }
  });

  function show(percent, message) {
    box.hidden = false;
    bar.value = percent;
    bar.textContent = percent + " %";
    text.textContent = message;
  }

  function post(action) {
    var next = document.createElement("form");
    next.method = "post";
    next.action = action;
    var field = document.createElement("input");
    field.type = "hidden"; field.name = "csrf"; field.value = csrf;
    next.appendChild(field);
    document.body.appendChild(next);
    next.submit();
  }

  function upload(target, file) {
    var data = new FormData();
    Object.keys(target.fields).forEach(function (name) { data.append(name, target.fields[name]); });
    data.append("file", file);
    var request = new XMLHttpRequest();
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        show(Math.round(100 * event.loaded / event.total), "Envoi : " + Math.round(event.loaded / 1024) + " Ko sur " + Math.round(event.total / 1024) + " Ko");
      }
    });
    request.addEventListener("load", function () {
      if (request.status >= 200 && request.status < 300) {
        show(100, "Fichier reçu : vérification en cours…");
        post("/console/import/" + encodeURIComponent(target.upload_id) + "/verifier");
      } else {
        show(0, "L'envoi a échoué (" + request.status + "). Réessayez.");
      }
    });
    request.addEventListener("error", function () { show(0, "L'envoi a échoué. Vérifiez la connexion et réessayez."); });
    request.open("POST", target.url);
    request.send(data);
  }

  form.addEventListener("submit", function (event) {
    var file = input.files && input.files[0];
    if (!file) { return; }
    event.preventDefault();
    show(0, "Préparation de l'envoi…");
    var request = new XMLHttpRequest();
    request.open("POST", form.getAttribute("data-presign"));
    request.setRequestHeader("Content-Type", "application/x-www-form-urlencoded");
    request.addEventListener("load", function () {
      if (request.status === 201) { upload(JSON.parse(request.responseText), file); }
      else { form.submit(); }
    });
    request.addEventListener("error", function () { form.submit(); });
    request.send("csrf=" + encodeURIComponent(csrf));
  });
}());
