{{ $t := "{{ tpl .Values.s . }}" }}{{ tpl $t . }}{{ tpl (repeat 50 "{{ tpl \"x\" . }}") . }}
