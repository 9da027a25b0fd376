{#- The catalogue groups and the boolean column each gets in the facts and the
    patient_group_audit mart (names fixed by docs/ARCHITECTURE.md). The group
    names must equal the patient_groups seed's; pytests check the two agree. -#}
{% macro catalogue_group_columns() -%}
    {{ return([
        ('No Group', 'in_no_group'),
        ('Triage', 'in_triage'),
        ('Therapy', 'in_therapy'),
        ('iCBT', 'in_icbt'),
        ('Group Therapy', 'in_group_therapy'),
        ('Hybrid', 'in_hybrid'),
        ('Lost Sheep', 'in_lost_sheep'),
        ('Parent Contact', 'in_parent_contact'),
        ('Sandbox', 'in_sandbox'),
        ('Test', 'in_test'),
        ('Discharged', 'in_discharged'),
        ('Graduated', 'in_graduated'),
        ('Pt Requested End of Services', 'in_pt_requested_end_of_services'),
        ('Referred to External Services', 'in_referred_to_external_services'),
    ]) }}
{%- endmacro %}

{#- The catalogue column of a group the rules name (in_triage for Triage). -#}
{% macro group_column(group_name) -%}
    {%- for name, column in catalogue_group_columns() if name == group_name -%}
        {{ return(column) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("dbt_project.yml vars.sop_rules: group '" ~ group_name ~ "' is not a catalogue group (catalogue_group_columns())") }}
{%- endmacro %}

{#- The model being compiled; in a unit test, the model under test (a unit test
    node has its own name and carries the tested model's id). -#}
{% macro rule_model_name() -%}
    {{ return((model.get('tested_node_unique_id') or model.unique_id).split('.')[-1]) }}
{%- endmacro %}

{#- A setting of the rule being compiled (its group, the group it proposes, a
    threshold) from their one home, vars.sop_rules in dbt_project.yml, keyed by the
    rule model's name. A missing one is a compile error, never a silent NULL. -#}
{% macro rule_setting(key) -%}
    {%- set name = rule_model_name() -%}
    {%- set settings = var('sop_rules').get(name) -%}
    {%- if settings is none or key not in settings -%}
        {{ exceptions.raise_compiler_error("dbt_project.yml vars.sop_rules." ~ name ~ " has no setting '" ~ key ~ "'") }}
    {%- endif -%}
    {{ return(settings[key]) }}
{%- endmacro %}

{#- A quantity of the SOP the facts share (vars.sop_facts in dbt_project.yml). -#}
{% macro sop_fact_setting(key) -%}
    {%- set settings = var('sop_facts') -%}
    {%- if key not in settings -%}
        {{ exceptions.raise_compiler_error("dbt_project.yml vars.sop_facts has no setting '" ~ key ~ "'") }}
    {%- endif -%}
    {{ return(settings[key]) }}
{%- endmacro %}

{#- The rule models sop_violations unions, as (rule_id, model name), from the
    graph: every model with meta.rule_id. dbt records a model's refs while parsing,
    before the graph exists, so at parse time the list is the keys of
    vars.sop_rules (one entry per rule model); at run time a rule model missing
    from those keys, or a key without a rule model, is a compile error.
    pytests/test_rules_catalogue.py checks both against sop-rules.md and the seed. -#}
{% macro sop_rule_models() -%}
    {%- set declared = var('sop_rules').keys() | list | sort -%}
    {%- set rules = [] -%}
    {%- if not execute -%}
        {#- parse time: only the refs matter -#}
        {%- for name in declared %}{% do rules.append(('', name)) %}{% endfor -%}
        {{ return(rules) }}
    {%- endif -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.package_name == project_name
        and (node.config.meta or {}).get('rule_id') -%}
        {%- set rule_id = node.config.meta['rule_id'] -%}
        {#- catalogue order: SOP-01 ... SOP-110, then DQ-01 -#}
        {%- do rules.append((rule_id.startswith('DQ-'), rule_id.split('-')[1] | int, rule_id, node.name)) -%}
    {%- endfor -%}
    {%- set found = rules | map(attribute=3) | list | sort -%}
    {%- if found != declared -%}
        {{ exceptions.raise_compiler_error(
            "rule models with meta.rule_id but no entry in dbt_project.yml vars.sop_rules: "
            ~ (found | reject('in', declared) | list) ~ "; entries without such a model: "
            ~ (declared | reject('in', found) | list)) }}
    {%- endif -%}
    {%- set pairs = [] -%}
    {%- for _, _, rule_id, name in rules | sort %}{% do pairs.append((rule_id, name)) %}{% endfor -%}
    {{ return(pairs) }}
{%- endmacro %}

{#- A setting's text as a SQL string literal (quotes doubled). -#}
{% macro text_literal(value) -%}
    {{ dbt.string_literal(dbt.escape_single_quotes(value)) }}
{%- endmacro %}

{#- A value as text, for the `detail` of a hit. -#}
{% macro txt(expr) -%}
    cast({{ expr }} as {{ dbt.type_string() }})
{%- endmacro %}
