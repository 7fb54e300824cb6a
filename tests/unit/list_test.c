/*
 * Tests for kernel/include/list.h against a model: random inserts at the
 * front and back and deletions, checking order both ways after each step.
 */
#include "include/list.h"
#include "unit.h"

#define NODES 64

struct item {
	int value;
	struct list_head link;
};

static void check_against(struct list_head *h, const int *model, int n)
{
	struct list_head *pos;
	int i = 0;

	list_for_each (pos, h) {
		CHECK(i < n);
		CHECK_EQ(list_entry(pos, struct item, link)->value, model[i]);
		i++;
	}
	CHECK_EQ(i, n);
	/* and backwards through prev */
	for (pos = h->prev; pos != h; pos = pos->prev)
		CHECK_EQ(list_entry(pos, struct item, link)->value, model[--i]);
	CHECK_EQ(list_empty(h), n == 0);
}

TEST(list_matches_model)
{
	static struct item items[NODES];
	static int model[NODES];
	struct list_head head = LIST_HEAD_INIT(head);
	int n = 0;

	for (int i = 0; i < NODES; i++) {
		items[i].value = i;
		list_init(&items[i].link);
		CHECK(!list_is_linked(&items[i].link));
	}
	for (int step = 0; step < 20000; step++) {
		int k = (int)unit_rand_below(NODES);
		struct item *it = &items[k];

		if (list_is_linked(&it->link)) {
			int j = 0;
			while (model[j] != k)
				j++;
			for (; j + 1 < n; j++)
				model[j] = model[j + 1];
			n--;
			list_del(&it->link);
			CHECK(!list_is_linked(&it->link));
		} else if (unit_rand() & 1) {
			for (int j = n; j > 0; j--)
				model[j] = model[j - 1];
			model[0] = k;
			n++;
			list_add(&it->link, &head);
		} else {
			model[n++] = k;
			list_add_tail(&it->link, &head);
		}
		check_against(&head, model, n);
	}
}

TEST(list_safe_iteration_deletes)
{
	static struct item items[8];
	struct list_head head = LIST_HEAD_INIT(head), *pos, *tmp;
	struct item *it;
	int seen = 0;

	for (int i = 0; i < 8; i++) {
		items[i].value = i;
		list_add_tail(&items[i].link, &head);
	}
	list_for_each_safe(pos, tmp, &head)
	{
		if (list_entry(pos, struct item, link)->value % 2)
			list_del(pos);
	}
	list_for_each_entry (it, &head, link) {
		CHECK_EQ(it->value % 2, 0);
		seen++;
	}
	CHECK_EQ(seen, 4);
	CHECK_EQ(list_first_entry(&head, struct item, link)->value, 0);
}
