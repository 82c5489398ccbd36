#!/usr/bin/env bash
# Writes the Puppet testbed's configuration and code into $PST (called by puppet-up.sh, which exports
# PST PGPORT PDB_HTTP PDB_HTTPS PS_PORT, and passes FAILING and AUTOSIGN: the certnames the CA signs at once).
# Only files under $PST are written; the packaged configs in /etc/puppet/puppetserver and /etc/puppetdb are
# read as templates, never edited.
set -euo pipefail
: "${PST:?}" "${PGPORT:?}" "${PDB_HTTP:?}" "${PDB_HTTPS:?}" "${PS_PORT:?}" "${FAILING:?}" "${AUTOSIGN:?}"

# --- puppet.conf: one file for the server and the agents (a monolithic install on one machine) -------------
cat > "$PST/etc/puppet.conf" <<CFG
[main]
confdir = $PST/etc
codedir = $PST/etc/code
vardir = $PST/var/cache
ssldir = $PST/var/ssl
rundir = $PST/run
logdir = $PST/log
server = localhost
serverport = $PS_PORT
environment = production
[agent]
# A first run with a new certname otherwise stalls 30 s on the certificate download (keep-alive).
http_keepalive_timeout = 0
report = true
[server]
certname = localhost
cadir = $PST/var/ca
# Only the testbed's own certnames are signed at once: any other CSR stays "requested", so the CA's
# sign / revoke / clean can be tested on it. The file must not be executable (that would make it a policy script).
autosign = $PST/etc/autosign.conf
# storeconfigs: every compile (agent runs and POST /puppet/v4/catalog) is also stored in PuppetDB.
storeconfigs = true
storeconfigs_backend = puppetdb
reports = store,puppetdb
CFG
printf '%s\n' $AUTOSIGN > "$PST/etc/autosign.conf"; chmod 0644 "$PST/etc/autosign.conf"
printf '[main]\nserver_urls = https://localhost:%s\nsoft_write_failure = false\n' "$PDB_HTTPS" > "$PST/etc/puppetdb.conf"
printf -- '---\nserver:\n  facts:\n    terminus: puppetdb\n    cache: yaml\n' > "$PST/etc/routes.yaml"

# --- Puppet code -----------------------------------------------------------------------------------------------
# Agents set the fact capstan_pass (FACTER_capstan_pass): the notify exists on the first pass only, because a
# notify always reports a change and the second pass must be "unchanged". The package is one every Debian has
# (a real package resource, never an install). The failing node has a failing exec and a skipped dependent.
prod=$PST/etc/code/environments/production
cat > "$prod/manifests/site.pp" <<PP
node default {
  \$dir = "$PST/managed/\${trusted['certname']}"
  file { \$dir: ensure => directory }
  class { 'capstan_demo': message => "managed by puppet for \${trusted['certname']}\n", dir => \$dir, require => File[\$dir] }
  if \$facts['capstan_pass'] == '1' {
    notify { 'hello': message => "hello from \${trusted['certname']}" }
  }
  package { 'bash': ensure => installed }
  file { "\${dir}/noop-file": ensure => file, content => 'x', noop => true, require => File[\$dir] }
  if \$trusted['certname'] == '$FAILING' {
    exec { 'always-fails': command => '/bin/false' }
    file { "\${dir}/after-failure": ensure => file, require => [Exec['always-fails'], File[\$dir]] }
  }
}
PP
mod=$prod/modules/capstan_demo
mkdir -p "$mod/manifests"
cat > "$mod/metadata.json" <<'JSON'
{
  "name": "capstan-capstan_demo",
  "version": "1.2.3",
  "author": "capstan",
  "summary": "Testbed module for Capstan's Puppet tests",
  "license": "Apache-2.0",
  "source": "none",
  "dependencies": []
}
JSON
cat > "$mod/manifests/init.pp" <<'PP'
# @summary Writes a motd file into a directory.
# @param message the file's content
# @param dir where the file goes
class capstan_demo (String $message, String $dir) {
  class { 'capstan_demo::motd': content => $message, path => "${dir}/motd" }
}
PP
cat > "$mod/manifests/motd.pp" <<'PP'
# @summary One managed file.
class capstan_demo::motd (String $content, String $path, Enum['file', 'absent'] $ensure = 'file') {
  file { $path: ensure => $ensure, content => $content }
}
PP
echo 'node default { }' > "$PST/etc/code/environments/staging/manifests/site.pp"

cat > "$PST/logback.xml" <<'CFG'
<configuration>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5p [%t] [%c{2}] %m%n</pattern></encoder>
  </appender>
  <logger name="org.eclipse.jetty" level="WARN"/>
  <root level="INFO"><appender-ref ref="STDOUT"/></root>
</configuration>
CFG

# --- PuppetDB: plain HTTP and HTTPS, both on 127.0.0.1 only; one command thread is plenty here ----------------
cat > "$PST/pdb/conf.d/config.ini" <<CFG
[global]
vardir = $PST/pdb/var
logging-config = $PST/logback.xml
[command-processing]
threads = 1
[puppetdb]
disable-update-checking = true
CFG
cat > "$PST/pdb/conf.d/database.ini" <<CFG
[database]
subname = //127.0.0.1:$PGPORT/puppetdb
username = puppetdb
password = puppetdb
CFG
cat > "$PST/pdb/conf.d/jetty.ini" <<CFG
[jetty]
host = 127.0.0.1
port = $PDB_HTTP
ssl-host = 127.0.0.1
ssl-port = $PDB_HTTPS
ssl-key = $PST/var/ssl/private_keys/localhost.pem
ssl-cert = $PST/var/ssl/certs/localhost.pem
ssl-ca-cert = $PST/var/ssl/certs/ca.pem
CFG
cp /etc/puppetdb/conf.d/auth.conf "$PST/pdb/conf.d/"

# --- Puppetserver: the packaged conf.d as a template, with our paths, one JRuby, loopback only ----------------
cp -r /etc/puppet/puppetserver/conf.d /etc/puppet/puppetserver/services.d "$PST/server/"
cat > "$PST/server/conf.d/puppetserver.conf" <<CFG
jruby-puppet: {
    ruby-load-path: [/usr/lib/puppetserver/ruby/vendor_ruby]
    gem-home: $PST/var/jruby-gems
    gem-path: [\${jruby-puppet.gem-home}, "/usr/lib/puppetserver/vendored-jruby-gems"]
    server-conf-dir: $PST/etc
    server-code-dir: $PST/etc/code
    server-var-dir: $PST/var/server
    server-run-dir: $PST/run
    server-log-dir: $PST/log
    max-active-instances: 1
}
http-client: {}
profiler: {}
CFG
printf 'webserver: {\n  client-auth: want\n  ssl-host: 127.0.0.1\n  ssl-port: %s\n}\n' "$PS_PORT" > "$PST/server/conf.d/webserver.conf"
printf 'global: { logging-config: %s/logback.xml }\n' "$PST" > "$PST/server/conf.d/global.conf"

# auth.conf: rules at sort-order 400 are evaluated before the packaged ones (500). The packaged file denies
# class/module listings to everyone and v4 catalogs to everyone; Capstan's puppetserver plugin needs them, with
# the admin certificate (pp_cli_auth, like the CA CLI) for the catalog and the environment cache.
rules=$(mktemp)
cat > "$rules" <<'HOCON'
        { match-request: { path: "/puppet/v3/environment_classes", type: path, method: get }
          allow: "*", sort-order: 400, name: "capstan testbed environment classes" },
        { match-request: { path: "/puppet/v3/environment_modules", type: path, method: get }
          allow: "*", sort-order: 400, name: "capstan testbed environment modules" },
        { match-request: { path: "^/puppet/v4/catalog/?$", type: regex, method: post }
          allow: { extensions: { pp_cli_auth: "true" } }, sort-order: 400, name: "capstan testbed v4 catalog" },
        { match-request: { path: "/puppet-admin-api/v1/environment-cache", type: path, method: delete }
          allow: { extensions: { pp_cli_auth: "true" } }, sort-order: 400, name: "capstan testbed environment cache" },
HOCON
awk -v rules="$rules" '{ print } !done && /rules: *\[/ { while ((getline l < rules) > 0) print l; done = 1 }' \
  /etc/puppet/puppetserver/conf.d/auth.conf > "$PST/server/conf.d/auth.conf"
rm -f "$rules"
grep -q 'capstan testbed v4 catalog' "$PST/server/conf.d/auth.conf" || { echo "puppet-config: auth.conf has no 'rules: [' line" >&2; exit 1; }
