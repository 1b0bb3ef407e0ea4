import {registry} from "@web/core/registry";
import {openNotebookPage} from "@customer_relationship/../tests/tours/tour_notebook";

/** From a complaint's form: a new compensation of the complaint. */
export function newCompensationSteps() {
    return [
        {
            content: "Open the compensations of the complaint",
            trigger: ".o_form_view .oe_stat_button:contains('Compensation')",
            run: "click",
        },
        {
            content: "Propose a new compensation",
            trigger: ".o_list_button_add",
            run: "click",
        },
    ];
}

/** On a compensation's form: its amount (above the approval threshold) and reason. */
export function amountAndReasonSteps(amount, reason) {
    return [
        {
            content: "Amount above the approval threshold",
            trigger: ".o_field_widget[name=amount] input",
            run: `edit ${amount}`,
        },
        {
            content: "Reason",
            trigger: ".o_field_widget[name=note] textarea",
            run: `edit ${reason}`,
        },
    ];
}

/** Propose the compensation: it then waits for a manager's approval. */
export function proposeCompensationSteps() {
    return [
        {
            content: "Propose it",
            trigger: ".o_form_view button[name=action_submit]",
            run: "click",
        },
        {
            content: "It waits for a manager's approval",
            trigger:
                ".o_statusbar_status .o_arrow_button_current:contains('To Approve')",
        },
    ];
}

registry.category("web_tour.tours").add("customer_complaint_portal_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Open the complaint form of the portal",
            trigger: "a[href='/my/complaint/new']",
            run: "click",
        },
        {
            content: "Choose the order concerned",
            trigger: ".o_complaint_form select#order",
            run: "selectByLabel TOUR-ORDER-1",
        },
        {
            content: "Choose the category",
            trigger: ".o_complaint_form select#category",
            run: "selectByLabel Delivery",
        },
        {
            content: "Describe what went wrong",
            trigger: ".o_complaint_form textarea#description",
            run: "edit The teapot arrived broken.",
        },
        {
            content: "Submit the complaint",
            trigger: ".o_complaint_form button[type=submit]",
            run: "click",
        },
        {
            content: "The complaint's page shows the description",
            trigger:
                "h5:contains('Description') ~ div:contains('The teapot arrived broken.')",
        },
    ],
});

registry.category("web_tour.tours").add("customer_complaint_resolve_tour", {
    steps: () => [
        ...openNotebookPage("Complaint"),
        {
            content: "Write the resolution summary",
            trigger: ".o_field_widget[name=complaint_resolution] textarea",
            run: "edit Replaced the teapot and apologised.",
        },
        {
            content: "Open the folded stages",
            trigger: ".o_statusbar_status .o_arrow_button.dropdown-toggle.o_first",
            run: "click",
        },
        {
            content: "Close the complaint",
            trigger: ".o-dropdown--menu .dropdown-item:contains('Done')",
            run: "click",
        },
        {
            content: "The complaint is closed",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Done')",
        },
        {
            content: "Choosing the stage saved the complaint and its resolution",
            trigger: ".o_form_view:has(.o_form_status_indicator_buttons.invisible)",
        },
    ],
});

registry.category("web_tour.tours").add("customer_complaint_goodwill_tour", {
    steps: () => [
        ...newCompensationSteps(),
        ...amountAndReasonSteps("800", "Broken on arrival."),
        ...proposeCompensationSteps(),
    ],
});

registry.category("web_tour.tours").add("customer_complaint_approve_tour", {
    steps: () => [
        {
            content: "Approve the compensation",
            trigger: ".o_form_view button[name=action_approve]",
            run: "click",
        },
        {
            content: "The compensation is granted",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Granted')",
        },
    ],
});
