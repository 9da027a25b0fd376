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

{#- The rule models sop_violations unions, as (rule_id, model name). One home:
    pytests/test_rules_catalogue.py checks it against sop-rules.md, the sop_rules
    seed, the model files and their tests. -#}
{% macro sop_rule_models() -%}
    {{ return([
        ('SOP-01', 'sop_01__no_group_must_be_empty'),
        ('SOP-02', 'sop_02__hybrid_must_be_empty'),
        ('SOP-03', 'sop_03__lost_sheep_must_be_empty'),
        ('SOP-04', 'sop_04__one_group_per_patient'),
        ('SOP-05', 'sop_05__group_in_catalogue'),
        ('SOP-10', 'sop_10__triage_over_7_days'),
        ('SOP-20', 'sop_20__discharged_engaged_within_3_months'),
        ('SOP-21', 'sop_21__discharged_without_2_chases'),
        ('SOP-22', 'sop_22__discharged_but_graduated'),
        ('SOP-23', 'sop_23__discharged_but_referred_out'),
        ('SOP-24', 'sop_24__discharged_but_asked_to_end'),
        ('SOP-30', 'sop_30__graduated_without_formal_graduation'),
        ('SOP-40', 'sop_40__group_therapy_finished_graduate'),
        ('SOP-41', 'sop_41__group_therapy_finished_discharge'),
        ('SOP-50', 'sop_50__icbt_stepped_up_to_therapy'),
        ('SOP-52', 'sop_52__icbt_not_engaged_3_months'),
        ('SOP-60', 'sop_60__parent_contact_in_treatment'),
        ('SOP-70', 'sop_70__ended_before_treatment_began'),
        ('SOP-71', 'sop_71__ended_without_request'),
        ('SOP-80', 'sop_80__referred_without_referral'),
        ('SOP-81', 'sop_81__referred_but_still_using_service'),
        ('SOP-85', 'sop_85__sandbox_in_treatment'),
        ('SOP-86', 'sop_86__sandbox_without_sandbox_outcome'),
        ('SOP-90', 'sop_90__test_like_not_in_test'),
        ('SOP-91', 'sop_91__commissioner_without_warning'),
        ('SOP-100', 'sop_100__therapy_offered_never_engaged'),
        ('SOP-101', 'sop_101__therapy_gap_over_3_months'),
        ('SOP-102', 'sop_102__twelve_sessions_completed'),
        ('SOP-103', 'sop_103__therapy_without_offer'),
        ('SOP-110', 'sop_110__status_matches_group'),
        ('DQ-01', 'dq_01__past_booking_without_outcome'),
    ]) }}
{%- endmacro %}

{#- Text helpers for `detail`: a value as text, and "n thing(s)". -#}
{% macro txt(expr) -%}
    cast({{ expr }} as {{ dbt.type_string() }})
{%- endmacro %}
