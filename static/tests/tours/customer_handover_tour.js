import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

/** The wizard's first steps: the leaver and one successor. */
function chooseLeaverAndSuccessor() {
    return [
        {
            content: "Choose the leaving salesperson",
            trigger: ".modal .o_field_widget[name=user_id] input",
            run: "edit Tour Leaver",
        },
        {
            content: "Pick the leaver",
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Leaver')",
            run: "click",
        },
        {
            content: "Choose the successor",
            trigger: ".modal .o_field_widget[name=successor_ids] input",
            run: "edit Tour Successor",
        },
        {
            content: "Pick the successor",
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Successor')",
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("customer_relationship_handover_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Customers app",
            trigger:
                ".o_app[data-menu-xmlid='customer_relationship.menu_customer_root']",
            run: "click",
        },
        {
            content: "Open the Customer Handover wizard",
            trigger:
                "[data-menu-xmlid='customer_relationship.menu_customer_handover_wizard']",
            run: "click",
        },
        ...chooseLeaverAndSuccessor(),
        {
            content: "The successor is chosen",
            trigger:
                ".modal .o_field_widget[name=successor_ids] .o_tag:contains('Tour Successor')",
        },
        {
            content: "Preview",
            trigger: ".modal button[name=action_preview]",
            run: "click",
        },
        {
            content: "The preview counts one customer",
            trigger: ".modal .o_field_widget[name=customer_count]:contains('1')",
        },
        {
            content: "The preview lists the customer",
            trigger:
                ".modal .o_field_widget[name=line_ids] td:contains('Tour Handover Customer')",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The handover record is shown",
            trigger: ".o_form_view .o_field_widget[name=name]:contains('HO/')",
        },
        {
            content: "It lists the customer moved",
            trigger:
                ".o_form_view .o_field_widget[name=line_ids] td:contains('Tour Handover Customer')",
        },
        {
            content: "It is done",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Done')",
        },
    ],
});

registry.category("web_tour.tours").add("customer_relationship_handover_mapping_tour", {
    url: "/odoo/action-customer_relationship.customer_handover_wizard_action",
    steps: () => [
        ...chooseLeaverAndSuccessor(),
        {
            content: "Split by chosen mapping",
            trigger:
                ".modal .o_field_widget[name=split_mode] label:contains('By chosen mapping')",
            run: "click",
        },
        {
            content: "The mapping is pre-filled with the successor",
            trigger:
                ".modal .o_field_widget[name=line_ids] tr:contains('Tour Mapping Second'):contains('Tour Successor')",
        },
        {
            content: "Keep the second customer with the leaver",
            trigger:
                ".modal .o_field_widget[name=line_ids] tr:contains('Tour Mapping Second') .o_list_record_remove",
            run: "click",
        },
        {
            content: "The second customer is off the list",
            trigger:
                ".modal .o_field_widget[name=line_ids]:not(:contains('Tour Mapping Second')):contains('Tour Mapping First')",
        },
        {
            content: "Preview",
            trigger: ".modal button[name=action_preview]",
            run: "click",
        },
        {
            content: "The preview counts the two customers left",
            trigger: ".modal .o_field_widget[name=customer_count]:contains('2')",
        },
        {
            content: "and the first customer's quotation",
            trigger: ".modal .o_field_widget[name=quotation_count]:contains('1')",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The handover lists the first customer, not the second",
            trigger:
                ".o_form_view .o_field_widget[name=line_ids]:not(:contains('Tour Mapping Second')) td:contains('Tour Mapping First')",
        },
    ],
});
