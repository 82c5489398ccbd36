# Capstan's stdout callback for Ansible: one JSON object per line on stdout, one line per event, so the
# ansible plugin (plugins/native/ansible) can attribute each host's result the moment Ansible reports it.
# Enabled by the plugin through the child environment only (ANSIBLE_CALLBACK_PLUGINS=<this dir>,
# ANSIBLE_STDOUT_CALLBACK=capstan_events, ANSIBLE_LOAD_CALLBACK_PLUGINS=1 for ad-hoc runs); never installed.
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = '''
    name: capstan_events
    type: stdout
    short_description: one JSON line per event, for Capstan
    description:
      - Writes one JSON object per line on stdout for task, host result and stats events.
'''

import json
import sys

from ansible.parsing.ajson import AnsibleJSONEncoder
from ansible.plugins.callback import CallbackBase

# Keys kept from a module's result besides the ones lifted to the top level (stdout, stderr, rc, msg...).
DROP = frozenset(['invocation', 'stdout_lines', 'stderr_lines', '_ansible_no_log', '_ansible_verbose_always',
                  '_ansible_verbose_override'])


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'stdout'
    CALLBACK_NAME = 'capstan_events'

    def _write(self, event):
        sys.stdout.write(json.dumps(event, cls=AnsibleJSONEncoder, separators=(',', ':')) + '\n')
        sys.stdout.flush()

    def _host_event(self, kind, result, **extra):
        r = dict(result._result)
        task = result._task
        event = {
            'event': kind,
            'host': result._host.get_name(),
            'task': task.get_name() if task else None,
            'action': task.action if task else None,
            'changed': bool(r.get('changed', False)),
        }
        for k in ('rc', 'stdout', 'stderr', 'msg'):
            if k in r:
                event[k] = r.pop(k)
        if isinstance(r.get('module_stdout'), str) and 'stdout' not in event:
            event['stdout'] = r.get('module_stdout')
        if isinstance(r.get('module_stderr'), str) and 'stderr' not in event:
            event['stderr'] = r.get('module_stderr')
        event['result'] = dict((k, v) for k, v in r.items() if k not in DROP)
        event.update(extra)
        self._write(event)

    def v2_playbook_on_play_start(self, play):
        self._write({'event': 'play_start', 'play': play.get_name()})

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._write({'event': 'task_start', 'task': task.get_name(), 'action': task.action})

    def v2_playbook_on_handler_task_start(self, task):
        self._write({'event': 'task_start', 'task': task.get_name(), 'action': task.action, 'handler': True})

    def v2_runner_on_ok(self, result):
        self._host_event('runner_on_ok', result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._host_event('runner_on_failed', result, ignore_errors=bool(ignore_errors))

    def v2_runner_on_unreachable(self, result):
        self._host_event('runner_on_unreachable', result)

    def v2_runner_on_skipped(self, result):
        self._host_event('runner_on_skipped', result)

    def v2_playbook_on_no_hosts_matched(self):
        self._write({'event': 'no_hosts_matched'})

    def v2_playbook_on_stats(self, stats):
        hosts = {}
        for h in sorted(stats.processed.keys()):
            hosts[h] = stats.summarize(h)
        self._write({'event': 'stats', 'hosts': hosts})
