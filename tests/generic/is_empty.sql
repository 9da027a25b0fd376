{#- A rule's data test: the rule model lists its hits, so the test fails (warns,
    at the rule's severity) with one row per hit customer. With store_failures the
    hits land in <target.schema>_dq_tests. The failing rows hold no personal data
    (rule models output customer_id, group_name, expected_group, detail only). -#}
{% test is_empty(model) %}
    select * from {{ model }}
{% endtest %}
