package io.notebookhub.hub.web;

import io.notebookhub.hub.auth.Principal;
import io.notebookhub.hub.http.HttpError;
import io.notebookhub.hub.http.RequestAuth;
import io.notebookhub.hub.http.UrlPaths;
import io.notebookhub.profiles.Profile;
import io.notebookhub.profiles.ProfileDirectory;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Files;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code /hub/admin/profiles}: the profile files in a YAML editor (a textarea with line numbers), with Validate and
 * Save buttons that call the admin profile API and show each error at its line. Admins only
 * ({@code admin:profiles}).
 */
public final class ProfilesEditorPage {
    private static final String FILE_NAME = "[A-Za-z0-9._-]+\\.ya?ml";

    private final ProfileDirectory profiles;
    private final RequestAuth auth;

    public ProfilesEditorPage(ProfileDirectory profiles, RequestAuth auth) {
        this.profiles = profiles;
        this.auth = auth;
    }

    public void mount(Router router) {
        router.get("/hub/admin/profiles").blockingHandler(this::page, false);
    }

    private void page(RoutingContext ctx) {
        Principal p = Pages.requireLogin(ctx);
        if (p == null) {
            return;
        }
        if (!p.scopes().hasUnfiltered("admin:profiles")) {
            throw HttpError.forbidden(p.name() + " may not edit profiles (that needs the admin:profiles scope)");
        }
        Map<String, String> files = profiles.files();
        String file = ctx.request().getParam("file");
        if (file == null || file.isEmpty()) {
            file = files.isEmpty() ? "profiles.yaml" : files.keySet().iterator().next();
        }
        if (!file.matches(FILE_NAME) || file.startsWith(".")) {
            throw HttpError.badRequest("A profile file name is letters, digits, '.', '_' or '-' ending in .yaml or "
                    + ".yml, not '" + file + "'");
        }
        String text = files.getOrDefault(file, "");
        Pages.html(ctx, 200, Html.page("Profiles", body(ctx, files, file, text), p.name()));
    }

    private String body(RoutingContext ctx, Map<String, String> files, String file, String text) {
        StringBuilder b = new StringBuilder(STYLE);
        profiles.lastError().ifPresent(error -> b.append("<div class=\"error notice\" id=\"reload-error\">"
                + "<p>The last change to the profile files was refused; the previous profiles stay in force "
                + "until the files are valid again:</p><pre>").append(Html.escape(error)).append("</pre></div>"));
        boolean writable = profiles.folder().map(Files::isWritable).orElse(false);
        if (profiles.folder().isEmpty()) {
            b.append("<p class=\"notice\" id=\"read-only\">The hub uses its bundled default profiles. To edit "
                    + "profiles, set <code>hub.profiles_dir</code> to a writable folder. You can still validate.</p>");
        } else if (!writable) {
            b.append("<p class=\"notice\" id=\"read-only\">The profiles folder <code>")
                    .append(Html.escape(profiles.folder().get().toString()))
                    .append("</code> is read-only (in Kubernetes it is a ConfigMap). Change <code>profiles</code> in "
                            + "the chart values and run <code>helm upgrade</code>. You can still validate here.</p>");
        }
        b.append("<nav class=\"files\" id=\"files\">Files: ");
        for (String name : files.keySet()) {
            b.append(name.equals(file) ? "<strong>" + Html.escape(name) + "</strong> "
                    : "<a href=\"?file=" + UrlPaths.escape(name) + "\">" + Html.escape(name) + "</a> ");
        }
        b.append("<form method=\"get\" class=\"inline\"><input name=\"file\" id=\"new-file\" placeholder=\"new-file.yaml\""
                        + " pattern=\"").append(Html.escape(FILE_NAME)).append("\" required> <input type=\"submit\" "
                        + "value=\"New file\"></form></nav>");
        b.append("<h2 id=\"file-name\">").append(Html.escape(file))
                .append(files.containsKey(file) ? "" : " <small>(new)</small>").append("</h2>")
                .append("<div class=\"editor\"><pre id=\"gutter\" aria-hidden=\"true\"></pre>")
                .append("<textarea id=\"yaml\" spellcheck=\"false\" wrap=\"off\" rows=\"28\" aria-label=\"YAML of ")
                .append(Html.escape(file))
                // HTML drops one newline right after <textarea>, so one is added to keep a file's leading blank line.
                .append("\">\n").append(Html.escape(text)).append("</textarea></div>")
                .append("<p><button type=\"button\" id=\"validate\">Validate</button>")
                .append("<button type=\"button\" id=\"save\"").append(writable ? "" : " disabled")
                .append(">Save</button></p>")
                .append("<p id=\"result\" role=\"status\"></p><ol id=\"errors\"></ol>");
        b.append("<h2>Profiles in force</h2><table id=\"in-force\"><tr><th>slug</th><th>name</th><th>default</th>"
                + "<th>who</th><th>max servers</th><th>defined at</th></tr>");
        for (Profile p : profiles.profiles()) {
            b.append("<tr><td>").append(Html.escape(p.slug())).append("</td><td>").append(Html.escape(p.displayName()))
                    .append("</td><td>").append(p.isDefault() ? "yes" : "").append("</td><td>")
                    .append(Html.escape(who(p))).append("</td><td>")
                    .append(p.maxServers() == null ? "" : p.maxServers()).append("</td><td>")
                    .append(Html.escape(p.source())).append("</td></tr>");
        }
        b.append("</table>");
        b.append("<script>const FILE=").append(Pages.jsString(file)).append(";const XSRF=")
                .append(Pages.jsString(auth.xsrfFor(ctx))).append(";const API=")
                .append(Pages.jsString("/hub/api/profiles/" + UrlPaths.escape(file))).append(";").append(SCRIPT)
                .append("</script>");
        return b.toString();
    }

    private static String who(Profile p) {
        if (p.allowedUsers().isEmpty() && p.allowedGroups().isEmpty()) {
            return "everyone";
        }
        StringBuilder s = new StringBuilder();
        if (!p.allowedUsers().isEmpty()) {
            s.append("users ").append(String.join(", ", new TreeSet<>(p.allowedUsers())));
        }
        if (!p.allowedGroups().isEmpty()) {
            s.append(s.length() > 0 ? "; " : "").append("groups ").append(String.join(", ", new TreeSet<>(p.allowedGroups())));
        }
        return s.toString();
    }

    private static final String STYLE = "<style>.editor{display:flex;border:1px solid #ccc;border-radius:4px;"
            + "max-height:36em;overflow:auto}#gutter{margin:0;padding:.4em .5em;background:#f3f3f3;color:#888;"
            + "text-align:right;user-select:none;min-width:2.5em}#gutter .bad{color:#fff;background:#b00020}"
            + "#yaml{flex:1;border:0;padding:.4em;font:inherit;font-family:monospace;line-height:1.3;resize:vertical;"
            + "overflow:hidden;white-space:pre}#gutter{font-family:monospace;line-height:1.3}"
            + "#errors li{cursor:pointer;color:#b00020;font-family:monospace}.inline{display:inline;margin-left:1em}"
            + ".ok{color:#1b5e20}pre{white-space:pre-wrap}</style>";

    /**
     * Line numbers come from the textarea's text; an error belongs to this file when its path ends with the file's
     * name (the API reports folder/name.yaml). Clicking an error selects its line in the textarea.
     */
    private static final String SCRIPT = """
            const ta=document.getElementById('yaml'),gutter=document.getElementById('gutter'),
              result=document.getElementById('result'),list=document.getElementById('errors');
            let bad=new Set();
            function mine(e){return e.file===FILE||e.file.endsWith('/'+FILE);}
            function lines(){const n=ta.value.split('\\n').length;ta.rows=Math.max(n+1,10);gutter.textContent='';
              for(let i=1;i<=n;i++){const s=document.createElement('span');s.textContent=i+'\\n';
                if(bad.has(i)){s.className='bad';s.id='gutter-bad-'+i;}gutter.appendChild(s);}}
            function goTo(line){const all=ta.value.split('\\n');let start=0;
              for(let i=0;i<line-1&&i<all.length;i++){start+=all[i].length+1;}
              ta.focus();ta.setSelectionRange(start,start+(all[line-1]||'').length);}
            function show(ok,message,errors){result.className=ok?'ok':'error';result.textContent=message;
              list.textContent='';bad=new Set();
              for(const e of errors||[]){const li=document.createElement('li');
                const here=mine(e)&&e.line>0;li.dataset.line=here?e.line:'';
                li.textContent=here?('line '+e.line+', column '+e.column+': '+e.message):e.text;
                if(here){bad.add(e.line);li.onclick=()=>goTo(e.line);}list.appendChild(li);}
              lines();}
            async function call(method,url){result.className='';result.textContent='Checking\\u2026';
              try{const r=await fetch(url,{method:method,credentials:'same-origin',
                  headers:{'Content-Type':'application/yaml','X-XSRFToken':XSRF},body:ta.value});
                const j=await r.json().catch(()=>({message:'HTTP '+r.status}));return [r,j];}
              catch(err){show(false,'The hub did not answer: '+err,[]);return [null,null];}}
            document.getElementById('validate').onclick=async()=>{const [r,j]=await call('POST',API+'/validate');
              if(!r)return;if(!r.ok){show(false,j.message,[]);return;}
              show(j.valid,j.valid?'Valid: '+j.message:(j.errors.length+' error(s); nothing was saved'),j.errors);};
            document.getElementById('save').onclick=async()=>{const [r,j]=await call('PUT',API);
              if(!r)return;
              if(r.ok){show(true,'Saved. '+j.message+'.',[]);const banner=document.getElementById('reload-error');
                if(banner&&!j.error)banner.remove();}
              else{show(false,r.status===400?(j.errors||[]).length+' error(s); nothing was saved, the profiles in '
                +'force are unchanged':j.message,j.errors||[]);}};
            ta.addEventListener('input',lines);lines();
            const banner=document.querySelector('#reload-error pre');
            if(banner){const onDisk=[];for(const l of banner.textContent.split('\\n')){
                const m=/^(.*?):(\\d+):(\\d+): (.*)$/.exec(l);
                onDisk.push(m?{file:m[1],line:+m[2],column:+m[3],message:m[4],text:l}:{file:'',line:0,column:0,message:l,text:l});}
              if(onDisk.some(mine))show(false,'This file on disk has errors, so the profiles in force are the last good ones',onDisk);}
            """;
}
